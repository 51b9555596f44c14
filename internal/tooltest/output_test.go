package tooltest

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestOutputWaitFor(t *testing.T) {
	r, w := io.Pipe()
	o := Watch(r)
	go func() {
		io.WriteString(w, "starting\n")
		time.Sleep(20 * time.Millisecond)
		io.WriteString(w, "listening on :9864\nready\n")
		w.Close()
	}()
	if l := o.WaitFor(t, "server", "listening", 5*time.Second); l != "listening on :9864" {
		t.Errorf("WaitFor returned %q", l)
	}
	o.WaitFor(t, "server", "ready", 5*time.Second)
	if got := o.String(); got != "starting\nlistening on :9864\nready\n" {
		t.Errorf("String() = %q", got)
	}
	// A line that never comes, after the output ended: WaitFor fails.
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.WaitFor(ft, "server", "never", 5*time.Second)
	}()
	<-done
	if !strings.Contains(ft.msg, `server ended without printing "never"`) {
		t.Errorf("WaitFor on ended output: %q", ft.msg)
	}
}

// fatalRecorder records Fatalf instead of failing, and stops the
// goroutine as FailNow would.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = strings.TrimSpace(strings.SplitN(fmt.Sprintf(format, args...), "\n", 2)[0])
	runtime.Goexit()
}
