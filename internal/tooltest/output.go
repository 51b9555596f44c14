package tooltest

import (
	"bufio"
	"io"
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
// line; it fails the test when the output ends first or timeout passes,
// naming the program (what).
func (o *Output) WaitFor(t testing.TB, what, s string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		for _, l := range strings.Split(o.String(), "\n") {
			if strings.Contains(l, s) {
				return l
			}
		}
		select {
		case _, ok := <-o.lines:
			if !ok {
				for _, l := range strings.Split(o.String(), "\n") {
					if strings.Contains(l, s) {
						return l
					}
				}
				t.Fatalf("%s ended without printing %q:\n%s", what, s, o.String())
			}
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%s did not print %q within %s:\n%s", what, s, timeout, o.String())
		}
	}
}
