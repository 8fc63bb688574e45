package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// A report that cannot be written must be known before the run starts: a
// check sends mutating requests, and a run whose findings end up nowhere
// sent them for nothing. Check and CheckPath find what would fail
// (a missing folder, a folder where the file goes, no permission) without
// creating or truncating anything.

// Check makes sure every report asked for can be written: see CheckPath.
// Its error names the format and the path, on one line.
func (o Outputs) Check() error {
	seen := map[string]string{}
	for _, f := range []struct{ format, path string }{
		{"JUnit", o.JUnit}, {"JSON", o.JSON}, {"Markdown", o.Markdown}, {"HTML", o.HTML}, {"SARIF", o.SARIF},
	} {
		if f.path == "" || f.path == "-" {
			continue
		}
		if err := CheckPath(f.path); err != nil {
			return fmt.Errorf("%s report: %w", f.format, err)
		}
		abs, err := filepath.Abs(f.path)
		if err != nil {
			abs = f.path
		}
		if other, ok := seen[abs]; ok {
			return fmt.Errorf("%s report: %s is also the %s report", f.format, f.path, other)
		}
		seen[abs] = f.format
	}
	return nil
}

// CheckPath makes sure a report can be written to path ("-" is stdout,
// always writable): its folder exists and idemcheck may create files in
// it, and path, if it exists, is a file idemcheck may write. It creates
// no folder, and neither creates nor truncates path.
func CheckPath(path string) error {
	if path == "-" {
		return nil
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s is a folder", path)
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0) // no O_TRUNC: the last run's report stays until this one is written
		if err != nil {
			return fmt.Errorf("%s cannot be written: %w", path, unwrapPath(err))
		}
		return f.Close()
	}
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("%s cannot be created: %w", path, err)
	}
	return nil
}

// CheckDir makes sure dir is an existing folder in which idemcheck may
// create files, by creating and removing an empty one.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("the folder %s cannot be used: %w", dir, unwrapPath(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".idemcheck-write-check-*")
	if err != nil {
		return fmt.Errorf("the folder %s is not writable: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// unwrapPath drops the *fs.PathError around err, whose path the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
