package probes

import "fmt"

// pass, fail, errorf and skip set a verdict and its one-line reason.
func pass(res *Result, reason string) { res.Verdict, res.Reason = Pass, reason }
func fail(res *Result, reason string) { res.Verdict, res.Reason = Fail, reason }
func skip(res *Result, reason string) { res.Verdict, res.Reason = Skip, reason }
func errorf(res *Result, format string, args ...any) {
	res.Verdict, res.Reason = Error, fmt.Sprintf(format, args...)
}
