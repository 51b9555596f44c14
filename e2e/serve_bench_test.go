package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/internal/synthstore"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// BenchmarkServe is the whole of `fundwatch serve`, one process, on a
// store of FUNDWATCH_BENCH_REPOS (1,000 by default) mid-sized
// repositories with distinct facts and people (synthstore: 1,500
// commits, 400 issues, ~1,000 comments each), every one watched: its
// start-up refresh (every repository read from the store and analysed),
// the snapshot rendered, and scrapes of /metrics. The collectors are off
// (--no-collector.*: no GitHub here), so what it measures is serve's
// memory around the facts, which collection streams through in pages. It
// reports the process's peak resident memory (peak-rss-MB, VmHWM as
// Linux counts it), its resident memory after the scrapes (rss-MB), the
// time to ready (ready-s) and a scrape's (scrape-s). The store is kept
// under FUNDWATCH_BENCH_STORE when set, shared with analysis'
// BenchmarkRefresh (the same file), since building it takes minutes.
// Run with -run XXX -benchtime 1x.
func BenchmarkServe(b *testing.B) { benchServe(b, synthstore.BenchRepos(b, 1000)) }

// BenchmarkServe10k is BenchmarkServe at 10,000 repositories: the issue's
// "serve stays under 1 GB resident".
func BenchmarkServe10k(b *testing.B) { benchServe(b, 10_000) }

func benchServe(b *testing.B, n int) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	path := synthstore.BenchStore(b, n, at)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "github:\n  api_url: http://127.0.0.1:9/\nstore:\n  path: %s\ncollection:\n  git: false\nwatch:\n", path)
	for i := range n {
		fmt.Fprintf(&cfg, "  - %s\n", synthstore.Name(i))
	}
	cfgPath := filepath.Join(b.TempDir(), "fundwatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		addr := tooltest.FreeAddr(b)
		args := []string{"serve", "--config", cfgPath, "--web.listen-address", addr, "--log.level", "warn"}
		for _, name := range collectors.Names() {
			args = append(args, "--no-collector."+name)
		}
		cmd := exec.Command(binary, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Ready once the start-up refresh is done and the listener up:
		// polled, since the refresh says nothing while it works (minutes
		// at 10,000 on a loaded machine); the process ending fails at once.
		for {
			resp, err := http.Get("http://" + addr + "/-/ready")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			select {
			case err := <-exited:
				b.Fatalf("serve ended before ready: %v\n%s", err, out.String())
			case <-time.After(200 * time.Millisecond):
			}
		}
		ready := time.Since(start)
		var scrape time.Duration
		series := 0
		for range 3 {
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
			req.Header.Set("Accept-Encoding", "gzip") // as Prometheus asks
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			scrape = time.Since(t0)
		}
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(line, "fundwatch_repo_") {
				series++
			}
		}
		if !strings.Contains(string(body), fmt.Sprintf("fundwatch_watched_repos %d", n)) || series < n {
			b.Fatalf("/metrics serves %d repository series, not the %d repositories:\n%.2000s", series, n, body)
		}
		mem, err := tooltest.MemoryOf(cmd.Process.Pid)
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		if err != nil {
			b.Skipf("no memory figures: %v", err)
		}
		b.ReportMetric(float64(mem.HWM)/1e6, "peak-rss-MB")
		b.ReportMetric(float64(mem.RSS)/1e6, "rss-MB")
		b.ReportMetric(ready.Seconds(), "ready-s")
		b.ReportMetric(scrape.Seconds(), "scrape-s")
		b.ReportMetric(float64(series)/float64(n), "series/repo")
	}
}
