package tooltest

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Output collects what a started program prints, line by line, so that a
// test can wait for a line and print everything when it fails.
type Output struct {
	mu    sync.Mutex
	buf   strings.Builder
	lines chan string // every line, until the program's output ends (then closed)
	done  chan struct{}
}

// Watch reads r (a program's stdout, or a pipe both outputs go to) until
// it ends.
func Watch(r io.Reader) *Output {
	o := &Output{lines: make(chan string, 1<<16), done: make(chan struct{})}
	go func() {
		defer close(o.done)
		defer close(o.lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			o.mu.Lock()
			o.buf.WriteString(sc.Text() + "\n")
			o.mu.Unlock()
			select {
			case o.lines <- sc.Text():
			default: // nobody waits for lines: String still has them
			}
		}
	}()
	return o
}

// String is everything printed so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// WaitFor waits until a line containing s was printed and returns that
// line. It waits for progress, not for a guessed duration: it fails the
// test (naming the program, what) when the output ends first, or when
// nothing new was printed for stall. A slow machine that keeps printing is
// waited for; a stuck program is not.
func (o *Output) WaitFor(t testing.TB, what, s string, stall time.Duration) string {
	t.Helper()
	var line string
	find := func() bool {
		for _, l := range strings.Split(o.String(), "\n") {
			if strings.Contains(l, s) {
				line = l
				return true
			}
		}
		return false
	}
	switch o.until(find, stall) {
	case errEnded:
		t.Fatalf("%s ended without printing %q:\n%s", what, s, o.String())
	case errStalled:
		t.Fatalf("%s printed nothing for %s and not %q:\n%s", what, stall, s, o.String())
	}
	return line
}

// Until waits until cond holds, for what the program does not print
// itself (a page it serves, a file it writes), checking as it prints and
// every 200 ms. Like WaitFor it follows progress: it fails the test when
// the output ends first, or when nothing new was printed for stall, saying
// what was awaited (want).
func (o *Output) Until(t testing.TB, what, want string, cond func() bool, stall time.Duration) {
	t.Helper()
	switch o.until(cond, stall) {
	case errEnded:
		t.Fatalf("%s ended before %s:\n%s", what, want, o.String())
	case errStalled:
		t.Fatalf("%s printed nothing for %s, and not yet %s:\n%s", what, stall, want, o.String())
	}
}

var (
	errEnded   = errors.New("the output ended")
	errStalled = errors.New("nothing printed for the stall limit")
)

// until returns nil once cond holds, errEnded if the output ends first,
// errStalled if nothing new is printed for stall.
func (o *Output) until(cond func() bool, stall time.Duration) error {
	quiet := time.NewTimer(stall)
	defer quiet.Stop()
	for {
		if cond() {
			return nil
		}
		select {
		case _, ok := <-o.lines:
			if !ok {
				if cond() {
					return nil
				}
				return errEnded
			}
			quiet.Reset(stall) // progress
		case <-time.After(200 * time.Millisecond):
		case <-quiet.C:
			return errStalled
		}
	}
}

// Start starts cmd with its output (stdout and stderr together) watched,
// and stops it when the test ends: killed (how a program shuts down is
// the business of the tests that signal it) and waited for; its output
// is logged if the test failed.
func Start(t testing.TB, name string, cmd *exec.Cmd) *Output {
	t.Helper()
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	out := Watch(r)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		w.Close()
		if t.Failed() {
			t.Logf("--- output of %s:\n%s", name, out.String())
		}
	})
	return out
}
