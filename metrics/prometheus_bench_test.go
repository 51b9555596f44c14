package metrics

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// BenchmarkPrometheus10k measures what 10,000 watched repositories cost
// the Prometheus behind fundwatch: a real Prometheus (Debian's package)
// scrapes the exposition of snapshot10k every 15 seconds, as a deployment
// would, for FUNDWATCH_BENCH_SCRAPES scrapes (8 by default, two minutes);
// then the benchmark reports Prometheus' resident memory (now and at its
// highest, from /proc), the longest and the last scrape duration, the
// series in its head block and the series a repository costs. Once with
// the default families and once with every family opted in. Run with
// -run XXX -bench Prometheus10k -benchtime 1x (about five minutes).
func BenchmarkPrometheus10k(b *testing.B) {
	promBin := tooltest.Require(b, "prometheus", "prometheus")
	scrapes := 8
	if s := os.Getenv("FUNDWATCH_BENCH_SCRAPES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2 {
			b.Fatalf("FUNDWATCH_BENCH_SCRAPES=%q: want a number of at least 2", s)
		}
		scrapes = n
	}
	snap := snapshot10k(b)
	for _, tt := range []struct {
		name  string
		optIn []string
	}{{"defaults", nil}, {"all", []string{OptInAll}}} {
		b.Run(tt.name, func(b *testing.B) {
			sel, err := NewSelection(tt.optIn)
			if err != nil {
				b.Fatal(err)
			}
			s := NewSnapshotSelecting(sel)
			if err := s.Update(snap); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(s.Handler(prometheus.NewRegistry(), func(err error) { b.Error(err) }))
			defer srv.Close()
			for range b.N {
				res := scrapeWithPrometheus(b, promBin, strings.TrimPrefix(srv.URL, "http://"), scrapes)
				b.ReportMetric(res.rssMiB, "prom-RSS-MiB")
				b.ReportMetric(res.hwmMiB, "prom-peak-RSS-MiB")
				b.ReportMetric(res.maxScrape, "max-scrape-s")
				b.ReportMetric(res.lastScrape, "last-scrape-s")
				b.ReportMetric(res.headSeries, "head-series")
				b.ReportMetric(res.headSeries/float64(len(snap.Repos)), "series/repo")
			}
		})
	}
}

type promResult struct {
	rssMiB, hwmMiB, maxScrape, lastScrape, headSeries float64
}

// scrapeWithPrometheus runs Prometheus scraping target every 15 seconds
// until it has scraped it n times, and reads what it cost.
func scrapeWithPrometheus(b *testing.B, bin, target string, n int) promResult {
	b.Helper()
	dir := b.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 15s\n  scrape_timeout: 14s\nscrape_configs:\n  - job_name: fundwatch\n    static_configs:\n      - targets: [%q]\n", target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	addr := tooltest.FreeAddr(b)
	cmd := exec.Command(bin, "--config.file", cfgPath, "--storage.tsdb.path", filepath.Join(dir, "data"),
		"--web.listen-address", addr, "--log.level", "warn")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	query := func(q string) (float64, bool) {
		resp, err := http.Get("http://" + addr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, false
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&r) != nil || len(r.Data.Result) == 0 {
			return 0, false
		}
		v, err := strconv.ParseFloat(fmt.Sprint(r.Data.Result[0].Value[1]), 64)
		return v, err == nil
	}
	// Wait for n scrapes, following Prometheus' own count of them: no
	// guessed duration (a loaded machine scrapes no faster).
	var last float64
	for {
		got, _ := query(`count_over_time(up{job="fundwatch"}[1h])`)
		if got >= float64(n) {
			break
		}
		if got > last {
			last = got
		}
		if cmd.ProcessState != nil {
			b.Fatal("prometheus exited")
		}
		time.Sleep(time.Second)
	}
	var res promResult
	res.maxScrape, _ = query(`max_over_time(scrape_duration_seconds{job="fundwatch"}[1h])`)
	res.lastScrape, _ = query(`scrape_duration_seconds{job="fundwatch"}`)
	// Prometheus' own metrics (it does not scrape itself here).
	if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(line, "prometheus_tsdb_head_series "); ok {
				res.headSeries, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
			}
		}
	}
	if up, _ := query(`up{job="fundwatch"}`); up != 1 {
		b.Errorf("the last scrape failed (up = %v)", up)
	}
	if mem, err := tooltest.MemoryOf(cmd.Process.Pid); err == nil {
		res.rssMiB, res.hwmMiB = float64(mem.RSS)/(1<<20), float64(mem.HWM)/(1<<20)
	}
	return res
}
