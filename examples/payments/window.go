package payments

import "time"

// hold waits d with a precision of tens of microseconds, parked rather than
// spinning, as a real server waiting on its database would be.
//
// time.Sleep is not good enough for FlawRace's window: when every goroutine
// is parked, the runtime waits in epoll with millisecond resolution, so
// time.Sleep(100µs) lasts about 1.1ms and bench/race would measure a window
// ten times wider than it claims. Spinning (runtime.Gosched in a loop) is
// precise but wrong in another way: the spinning goroutine sits in the
// global run queue, which the scheduler serves before it polls the network,
// so the other requests of a race are not even read until it is done.
// Where the platform allows (window_linux.go), hold parks on a kernel timer
// that the network poller watches; elsewhere it is time.Sleep.
func hold(d time.Duration) {
	if d <= 0 {
		return
	}
	if holdPrecisely(d) {
		return
	}
	time.Sleep(d)
}

// spin keeps the processor busy for d, as CPU work between a lookup and an
// insert does: the goroutine is neither parked nor yielding.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}
