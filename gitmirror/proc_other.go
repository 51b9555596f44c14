//go:build !unix

package gitmirror

import (
	"context"
	"io/fs"
	"os/exec"
	"time"
)

// killGroup only bounds the wait where process groups do not exist.
func killGroup(cmd *exec.Cmd) { cmd.WaitDelay = 10 * time.Second }

// lockFile is a no-op: mirrors are locked within the process only.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }

// tryLockFile always succeeds: mirrors are locked within the process only.
func tryLockFile(string) (func(), bool, error) { return func() {}, true, nil }

// diskUsage is the file's size where blocks are not known.
func diskUsage(info fs.FileInfo) int64 { return info.Size() }
