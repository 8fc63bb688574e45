package wire

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpora under testdata/fuzz")

// TestFuzzSeedCorpora keeps testdata/fuzz in step with h2Seeds and
// http1Seeds (go test -run TestFuzzSeedCorpora -update ./internal/wire).
func TestFuzzSeedCorpora(t *testing.T) {
	corpora := map[string][]string{}
	for _, s := range h2Seeds() {
		corpora["FuzzH2Frames"] = append(corpora["FuzzH2Frames"], "[]byte("+strconv.Quote(string(s))+")\n")
	}
	for _, s := range http1Seeds() {
		for _, gz := range []bool{true, false} {
			corpora["FuzzReadResponse"] = append(corpora["FuzzReadResponse"], "[]byte("+strconv.Quote(string(s))+")\nbool("+strconv.FormatBool(gz)+")\n")
		}
	}
	for name, seeds := range corpora {
		for i, body := range seeds {
			path := filepath.Join("testdata", "fuzz", name, fmt.Sprintf("seed-%02d", i))
			want := "go test fuzz v1\n" + body
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != want {
				t.Errorf("%s is missing or stale (err %v): run with -update", path, err)
			}
		}
	}
}
