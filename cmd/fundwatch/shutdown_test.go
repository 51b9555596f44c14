package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"
)

// SIGTERM to serve during a collection cancels the pass under way, records
// it as interrupted, and closes the store only after: no "database is
// closed", nothing lost, exit status 0.
func TestShutdownDuringCollection(t *testing.T) {
	t.Parallel()
	fake := demoFake(t)
	// The issues list of every repository hangs until its caller gives
	// up: the issues collector is under way when the signal comes.
	arrived := make(chan struct{}, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/issues") {
			arrived <- struct{}{}
			<-r.Context().Done()
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg, db := restConfig(t, srv.URL, crashRepos...)
	cmd := exec.Command(binary, "serve", "--config", cfg, "--web.listen-address", tooltest.FreeAddr(t))
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_shutdowntest000000000000000000000000")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("serve ended before collecting issues: %v\n%s", err, out)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, out)
	}
	if strings.Contains(out.String(), "database is closed") {
		t.Errorf("the store was closed under a run:\n%s", out)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.LastRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range runs {
		if r.Collector == "issues" {
			found = true
			if r.OK || !strings.HasPrefix(r.Error, "interrupted") {
				t.Errorf("issues run recorded as %+v, want interrupted", r)
			}
		}
	}
	if !found {
		t.Errorf("the interrupted issues run was not recorded (runs %+v)\n%s", runs, out)
	}
}

// lockedBuffer is a program's output, written by two copiers at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
