package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.txt")
	os.WriteFile(ok, []byte("hello"), 0o644)
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("x", 2048)), 0o644)
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		want    error
		message string
	}{
		{ok, nil, ""},
		{big, ErrTooLarge, big + ": file too large: over 1 KiB"},
		{zero, ErrNotRegular, zero + ": not a regular file (a character device)"},
		{fifo, ErrNotRegular, fifo + ": not a regular file (a named pipe)"}, // must not block
		{dir, ErrNotRegular, "(a directory)"},
		{filepath.Join(dir, "missing"), os.ErrNotExist, "missing: no such file or directory"},
	}
	for _, tt := range tests {
		data, err := Read(tt.path, 1024)
		if tt.want == nil {
			if err != nil || string(data) != "hello" {
				t.Errorf("Read(%s) = %q, %v", tt.path, data, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.message) {
			t.Errorf("Read(%s): %v, want %v with %q", tt.path, err, tt.want, tt.message)
		}
	}
}
