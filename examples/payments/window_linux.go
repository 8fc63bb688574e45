package payments

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// holdPrecisely parks the goroutine on a timerfd: a non-blocking file the
// runtime's network poller watches, which becomes readable when the kernel
// timer (nanosecond resolution, no timer slack) expires, so the wait ends
// within microseconds of d without holding a thread or a P. It reports false
// when the timer cannot be set up, and hold falls back to time.Sleep.
func holdPrecisely(d time.Duration) bool {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), "timerfd") // non-blocking: registered with the poller
	defer f.Close()
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(d.Nanoseconds())}
	if err := unix.TimerfdSettime(fd, 0, &spec, nil); err != nil {
		return false
	}
	var expirations [8]byte
	_, err = f.Read(expirations[:])
	return err == nil
}
