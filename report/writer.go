package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Create opens a report destination: "-" is standard output (Close flushes
// it but leaves it open); anything else is a file path, created with its
// parent directories and truncated if it exists. Writes are buffered: call
// Close, and check its error, to know the report was written.
func Create(path string) (io.WriteCloser, error) {
	if path == "-" {
		return newBufferedFile(os.Stdout, false), nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create report %s: %w", path, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create report %s: %w", path, err)
	}
	return newBufferedFile(f, true), nil
}

// bufferedFile buffers writes to a file and flushes on Close. It exposes the
// file's descriptor, so ColorWanted can tell whether it is a terminal.
type bufferedFile struct {
	*bufio.Writer
	f     *os.File
	close bool
}

func newBufferedFile(f *os.File, close bool) *bufferedFile {
	return &bufferedFile{Writer: bufio.NewWriter(f), f: f, close: close}
}

// Fd is the file's descriptor.
func (b *bufferedFile) Fd() uintptr { return b.f.Fd() }

// Close flushes the buffer and, unless this is standard output, closes the file.
func (b *bufferedFile) Close() error {
	err := b.Flush()
	if b.close {
		if cerr := b.f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("write report %s: %w", b.f.Name(), err)
	}
	return nil
}
