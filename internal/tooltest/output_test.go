package tooltest

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
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

// A program that keeps printing is waited for however long it takes; one
// that falls silent for the stall limit is not.
func TestOutputWaitForFollowsProgress(t *testing.T) {
	r, w := io.Pipe()
	o := Watch(r)
	go func() {
		// Ten stall limits' worth of progress, then the line.
		for i := range 50 {
			fmt.Fprintf(w, "working %d\n", i)
			time.Sleep(10 * time.Millisecond)
		}
		io.WriteString(w, "done\n")
	}()
	if l := o.WaitFor(t, "worker", "done", 50*time.Millisecond*4); l != "done" {
		t.Errorf("WaitFor returned %q", l)
	}
	// Now it falls silent (the pipe stays open): WaitFor gives up.
	ft := &fatalRecorder{TB: t}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		o.WaitFor(ft, "worker", "never", 100*time.Millisecond)
	}()
	<-finished
	w.Close()
	if !strings.Contains(ft.msg, `worker printed nothing for 100ms and not "never"`) {
		t.Errorf("WaitFor on a silent program: %q", ft.msg)
	}
}

// Until waits for a condition the output does not state, as long as the
// program makes progress; it names what it waited for when it gives up.
func TestOutputUntil(t *testing.T) {
	r, w := io.Pipe()
	o := Watch(r)
	var mu sync.Mutex
	served := false
	go func() {
		for i := range 20 {
			fmt.Fprintf(w, "working %d\n", i)
			time.Sleep(10 * time.Millisecond)
		}
		mu.Lock()
		served = true
		mu.Unlock()
	}()
	o.Until(t, "server", "the page", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return served
	}, 5*time.Second)
	// Silent since, and the condition never holds: Until gives up.
	ft := &fatalRecorder{TB: t}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		o.Until(ft, "server", "the other page", func() bool { return false }, 100*time.Millisecond)
	}()
	<-finished
	w.Close()
	if !strings.Contains(ft.msg, "server printed nothing for 100ms, and not yet the other page") {
		t.Errorf("Until on a silent program: %q", ft.msg)
	}
	// Ended: Until says so.
	ft = &fatalRecorder{TB: t}
	finished = make(chan struct{})
	go func() {
		defer close(finished)
		o.Until(ft, "server", "the other page", func() bool { return false }, 5*time.Second)
	}()
	<-finished
	if !strings.Contains(ft.msg, "server ended before the other page") {
		t.Errorf("Until on ended output: %q", ft.msg)
	}
}
