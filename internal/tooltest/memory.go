package tooltest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's resident memory as Linux reports it in
// /proc/<pid>/status, in bytes: its resident set now (VmRSS) and its
// high-water mark (VmHWM).
type Memory struct{ RSS, HWM uint64 }

// MemoryOf reads the memory of process pid (0: this process). An error
// where the kernel has no /proc (benchmarks then report none).
func MemoryOf(pid int) (Memory, error) {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("%s: %s: %w", path, name, err)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	if m.RSS == 0 || m.HWM == 0 {
		return Memory{}, fmt.Errorf("%s: no VmRSS or VmHWM", path)
	}
	return m, nil
}

// ResetPeak resets this process's high-water mark (Linux:
// /proc/self/clear_refs), so that a later MemoryOf(0).HWM is the peak
// since; false where the kernel does not offer it.
func ResetPeak() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}
