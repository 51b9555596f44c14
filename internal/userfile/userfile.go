// Package userfile reads files named by the user or found in the user's
// tree (go.mod, lockfiles, SBOMs, installed package.json, affiliation,
// mailmap, params and grants files). Such a path may be a symlink to
// /dev/zero, a FIFO nobody writes, or a file of gigabytes: each would
// exhaust memory or hang the process past SIGTERM. Every read here is of a
// regular file, checked before it is opened (opening a FIFO blocks), and
// capped.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular and ErrTooLarge classify refusals.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
)

// Error is a refusal or failure to read a file: "path: what".
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func fail(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is said once
	}
	return &Error{Path: path, Err: err}
}

// Open opens path for reading if it is a regular file (symlinks followed).
// Errors are *Error, naming the path.
func Open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fail(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fail(path, fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode())))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fail(path, err)
	}
	// It may have been swapped between the two looks.
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fail(path, ErrNotRegular)
	}
	return f, nil
}

// Read reads the regular file at path, refusing one over max bytes.
func Read(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fail(path, err)
	}
	if int64(len(data)) > max {
		return nil, fail(path, fmt.Errorf("%w: over %s", ErrTooLarge, size(max)))
	}
	return data, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
