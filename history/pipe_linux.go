package history

import (
	"os"
	"syscall"
)

// growPipe asks for a 1 MiB pipe (the default unprivileged maximum,
// /proc/sys/fs/pipe-max-size) instead of 64 KiB: git then writes for
// longer before it must wait for the reader, and the reader wakes up a
// sixteenth as often. Best effort: the ingest is correct either way.
func growPipe(f *os.File) {
	const fSetPipeSz = 1031 // F_SETPIPE_SZ, not in package syscall
	_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), fSetPipeSz, 1<<20)
}
