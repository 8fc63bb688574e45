package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestReadJSONRoundTrip: a report read back and written again is the same
// report, byte for byte. (The first write already replaced invalid UTF-8 in
// bodies with U+FFFD, so the comparison starts from a report read back.)
func TestReadJSONRoundTrip(t *testing.T) {
	for name, run := range map[string]*Run{"fixture": fixtureRun(), "baseline": baselineRun(t), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			var original, first, second bytes.Buffer
			if err := WriteJSON(&original, run); err != nil {
				t.Fatal(err)
			}
			run, err := ReadJSON(&original)
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&first, run); err != nil {
				t.Fatal(err)
			}
			back, err := ReadJSON(bytes.NewReader(first.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&second, back); err != nil {
				t.Fatal(err)
			}
			if first.String() != second.String() {
				t.Errorf("report changed on a round trip:\n%s\n---\n%s", first.String(), second.String())
			}
		})
	}
}

func TestReadJSONErrors(t *testing.T) {
	var good bytes.Buffer
	if err := WriteJSON(&good, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, data, want string }{
		{"not json", "<testsuites/>", "invalid character"},
		{"other version", `{"schema_version": 2, "fail_on": "major"}`, "schema_version 2"},
		{"bad gate", `{"schema_version": 1, "fail_on": "severe"}`, "unknown severity"},
		{"bad verdict", strings.Replace(good.String(), `"verdict": "pass"`, `"verdict": "maybe"`, 1), `unknown verdict "maybe"`},
		{"summary disagrees", strings.Replace(good.String(), `"pass": 1`, `"pass": 7`, 1), "disagrees"},
		{"bad started", strings.Replace(good.String(), `"started": "2025`, `"started": "yesterday`, 1), "started"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ReadJSON = %v, want one line with %q", err, tt.want)
			}
		})
	}
	if _, err := ReadJSON(strings.NewReader(`{"schema_version": 2}`)); !errors.Is(err, ErrReportVersion) {
		t.Errorf("other version: %v, want ErrReportVersion", err)
	}
}

// FuzzReadJSON: reading any input returns a run or an error, never panics,
// and a run read is written again without error.
func FuzzReadJSON(f *testing.F) {
	var good bytes.Buffer
	if err := WriteJSON(&good, fixtureRun()); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"schema_version":1,"fail_on":"info","summary":{},"results":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, w := range []func(*bytes.Buffer, *Run) error{
			func(b *bytes.Buffer, r *Run) error { return WriteJSON(b, r) },
			func(b *bytes.Buffer, r *Run) error { return WriteSARIF(b, r) },
			func(b *bytes.Buffer, r *Run) error { return WriteJUnit(b, r) },
		} {
			var out bytes.Buffer
			if err := w(&out, run); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzReadBaseline: any input is a baseline or one error line.
func FuzzReadBaseline(f *testing.F) {
	var good bytes.Buffer
	if err := WriteBaseline(&good, NewBaseline(fixtureRun())); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"schema_version":1,"findings":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBaseline(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") || !errors.Is(err, ErrBaseline) {
				t.Errorf("error %q is not one line wrapping ErrBaseline", err)
			}
			return
		}
		ApplyBaseline(fixtureRun(), b, "b.json")
	})
}
