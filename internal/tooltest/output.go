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
// line. It waits for progress, not for a guessed duration: it fails the
// test (naming the program, what) when the output ends first, or when
// nothing new was printed for stall. A slow machine that keeps printing is
// waited for; a stuck program is not.
func (o *Output) WaitFor(t testing.TB, what, s string, stall time.Duration) string {
	t.Helper()
	find := func() (string, bool) {
		for _, l := range strings.Split(o.String(), "\n") {
			if strings.Contains(l, s) {
				return l, true
			}
		}
		return "", false
	}
	quiet := time.NewTimer(stall)
	defer quiet.Stop()
	for {
		if l, ok := find(); ok {
			return l
		}
		select {
		case _, ok := <-o.lines:
			if !ok {
				if l, ok := find(); ok {
					return l
				}
				t.Fatalf("%s ended without printing %q:\n%s", what, s, o.String())
			}
			quiet.Reset(stall) // progress
		case <-time.After(200 * time.Millisecond):
		case <-quiet.C:
			t.Fatalf("%s printed nothing for %s and not %q:\n%s", what, stall, s, o.String())
		}
	}
}
