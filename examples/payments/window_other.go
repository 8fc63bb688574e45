//go:build !linux

package payments

import "time"

// holdPrecisely has no precise timer to offer here: hold uses time.Sleep,
// and FlawRace's window is then only a lower bound.
func holdPrecisely(time.Duration) bool { return false }
