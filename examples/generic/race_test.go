//go:build race

package generic_test

// raceEnabled: the tests run under the race detector (go test -race),
// which makes a sweep's check 2 to 20 times slower (Plaid's, CPU-bound: 2 s
// without it, 45 s with it); see sweepDocs.
const raceEnabled = true
