//go:build !unix

package gitmirror

import (
	"context"
	"os/exec"
	"time"
)

// killGroup only bounds the wait where process groups do not exist.
func killGroup(cmd *exec.Cmd) { cmd.WaitDelay = 10 * time.Second }

// lockFile is a no-op: mirrors are locked within the process only.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
