package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	for _, f := range formats {
		path := o.Paths[f.Flag]
		switch {
		case path == "-" && !f.Stdout:
			return fmt.Errorf("%s report: it cannot go to standard output; name a file", f.Name)
		case path == "" || path == "-":
			continue
		}
		if err := CheckPath(path); err != nil {
			return fmt.Errorf("%s report: %w", f.Name, err)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		if other, ok := seen[abs]; ok {
			return fmt.Errorf("%s report: %s is also the %s report", f.Name, path, other)
		}
		seen[abs] = f.Name
	}
	for flag := range o.Paths {
		if !slices.ContainsFunc(formats, func(f Format) bool { return f.Flag == flag }) {
			return fmt.Errorf("no report format %q", flag)
		}
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
