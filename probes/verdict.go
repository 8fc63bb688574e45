package probes

import "fmt"

// pass, fail, errorf and skip set a verdict and its one-line reason. fail is
// a safety failure at the probe's severity; nonconformant is a conformance
// failure (the property held, the answer's form did not), at most Minor.
func pass(res *Result, reason string) { res.Verdict, res.Reason = Pass, reason }
func fail(res *Result, reason string) {
	res.Verdict, res.Reason, res.Class = Fail, reason, Safety
}
func nonconformant(res *Result, reason string) {
	res.Verdict, res.Reason, res.Class = Fail, reason, Conformance
	res.Severity = min(res.Severity, Minor)
}
func skip(res *Result, reason string) { res.Verdict, res.Reason = Skip, reason }
func errorf(res *Result, format string, args ...any) {
	res.Verdict, res.Reason = Error, fmt.Sprintf(format, args...)
}
