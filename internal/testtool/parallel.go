package testtool

import (
	"flag"
	"strconv"
)

// WaitingParallel raises go test's -parallel to n, unless the command line
// set it, for a package whose parallel tests mostly wait: on example
// servers that answer after a latency, on probes' bounded polls. -parallel
// defaults to GOMAXPROCS, which is right for tests that compute; on a
// 2-core machine it leaves such a package's tests idle most of their time,
// one after another. Call it from TestMain before m.Run; it changes only
// how many tests that call t.Parallel run at once.
func WaitingParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set && flag.Lookup("test.parallel") != nil {
		flag.Set("test.parallel", strconv.Itoa(n))
	}
}
