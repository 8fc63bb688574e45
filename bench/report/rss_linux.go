package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// watchPeakRSS samples the peak resident set of process pid (VmHWM in
// /proc/pid/status) every 20ms until it exits, and returns a function that
// reports the last sample, in bytes. VmHWM belongs to the process's own
// address space, so unlike the rusage of a child started with vfork
// (ru_maxrss), it does not count the parent's memory: this benchmark's
// own server holds every object the checks create. A peak in the last
// 20ms of the process is missed.
func watchPeakRSS(pid int) func() int64 {
	var mu sync.Mutex
	var peak int64
	path := fmt.Sprintf("/proc/%d/status", pid)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if hwm := readHWM(path); hwm > 0 {
				mu.Lock()
				peak = max(peak, hwm)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// readHWM reads VmHWM from a status file, 0 when it cannot.
func readHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
