// Package interrupt turns the first SIGINT or SIGTERM into a cancelled
// context, so a run stops its work in flight and still writes the reports
// of what finished; a second signal has its default effect and ends the
// process at once.
package interrupt

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Context returns parent cancelled by the first SIGINT or SIGTERM, its
// cause "interrupted by <signal>". stop releases the signals.
func Context(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs) // the next signal has its default effect
			cancel(fmt.Errorf("interrupted by %v", s))
		case <-ctx.Done(): // stopped
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
}
