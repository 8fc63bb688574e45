//go:build race

package generic_test

// raceEnabled: the tests run under the race detector (go test -race),
// which makes the sweep's CPU-bound server about ten times slower; see
// sweepDocs.
const raceEnabled = true
