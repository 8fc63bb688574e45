package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// Outputs are the report files of a run and the formats' options.
type Outputs struct {
	// Paths are the reports asked for, by format (Format.Flag): a path, or
	// "-" for the standard output handed to Write. A format with none is
	// not written.
	Paths map[string]string
	// JUnitNoPositions leaves the testcases' file and line out of the
	// JUnit report (the Jenkins xUnit schema rejects them).
	JUnitNoPositions bool
	// FullEvidence keeps every exchange, whole, in the JSON report
	// (JSONOptions.FullEvidence); the other formats always bound it.
	FullEvidence bool
}

// ToStdout reports whether a report goes to standard output, where the
// terminal summary must then not go: what a CI step pipes into its JUnit
// reader must be nothing but the report.
func (o Outputs) ToStdout() bool {
	for _, f := range formats {
		if o.Paths[f.Flag] == "-" {
			return true
		}
	}
	return false
}

// Write writes every report asked for; "-" writes to stdout.
func (o Outputs) Write(run *Run, stdout io.Writer) error {
	for _, f := range formats {
		path := o.Paths[f.Flag]
		if path == "" {
			continue
		}
		if err := writeOne(path, stdout, run, func(w io.Writer, run *Run) error { return f.Write(w, run, o) }); err != nil {
			return err
		}
	}
	return nil
}

// writeOne writes one report to path ("-" is stdout).
func writeOne(path string, stdout io.Writer, run *Run, write func(io.Writer, *Run) error) error {
	w, err := Create(path, stdout)
	if err != nil {
		return err
	}
	if err := write(w, run); err != nil {
		w.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return w.Close()
}

// Create opens a report destination: "-" is stdout (Close flushes it but
// leaves it open); anything else is a file path, created or truncated. Its
// folder must exist: a folder nobody asked for is never created (check
// the paths before a run with Outputs.Check). Writes are buffered: call
// Close, and check its error, to know the report was written.
func Create(path string, stdout io.Writer) (io.WriteCloser, error) {
	if path == "-" {
		return &bufferedWriter{Writer: bufio.NewWriter(stdout), name: "to standard output"}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create report %s: %w", path, err)
	}
	return &bufferedWriter{Writer: bufio.NewWriter(f), closer: f, name: path}, nil
}

// bufferedWriter buffers writes and flushes on Close, closing the file
// behind it unless that is stdout.
type bufferedWriter struct {
	*bufio.Writer
	closer io.Closer // nil for stdout
	name   string
}

// Close flushes the buffer and closes the file.
func (b *bufferedWriter) Close() error {
	err := b.Flush()
	if b.closer != nil {
		if cerr := b.closer.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("write report %s: %w", b.name, err)
	}
	return nil
}
