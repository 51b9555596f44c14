package tooltest

import (
	"runtime"
	"testing"
)

func TestMemoryOf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	m, err := MemoryOf(0)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS == 0 || m.HWM < m.RSS {
		t.Errorf("memory %+v: want a resident set under its high-water mark", m)
	}
}
