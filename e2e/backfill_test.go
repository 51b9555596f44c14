package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// TestBackfillImportsIntoPrometheus: `fundwatch backfill` writes the demo's
// history, the real promtool turns it into TSDB blocks, and a real
// Prometheus started on them answers for the past: the employer-exit
// project was mostly paid two years ago and shows its exit only lately.
func TestBackfillImportsIntoPrometheus(t *testing.T) {
	t.Parallel()
	promtool := tooltest.Require(t, "promtool", "prometheus")
	prometheus := tooltest.Require(t, "prometheus", "prometheus")
	dir := t.TempDir()
	om := filepath.Join(dir, "history.om")
	// Four-weekly samples over the last two years keep the test quick;
	// the default is weekly over the whole history.
	out, err := exec.Command(binary, "backfill", "--demo", "--demo.end", demoEnd, "--from", "2024-11-25", "--step", "4w",
		"--output", om, "--log.level", "warn").CombinedOutput()
	if err != nil {
		t.Fatalf("fundwatch backfill: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet", om, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	start(t, "prometheus", prometheus, "--config.file", cfg, "--storage.tsdb.path", data,
		"--storage.tsdb.retention.time", "20y", "--web.listen-address", addr, "--log.level", "warn")
	api := promAPI{base: "http://" + addr}
	ctx := context.Background()

	end, _ := time.Parse(time.DateOnly, demoEnd)
	step := 28 * 24 * time.Hour
	last := end
	// An instant two years and a bit before the end, on the step grid.
	past := end.Add(-26 * step)
	value := func(expr string, at time.Time) (float64, bool) {
		t.Helper()
		var r []promResult
		eventually(t, 20*time.Second, "query "+expr, func() error {
			var err error
			r, err = api.query(ctx, expr, at)
			return err
		})
		if len(r) == 0 {
			return 0, false
		}
		if len(r) > 1 {
			t.Fatalf("%s at %s: %d series", expr, at, len(r))
		}
		return r[0].float(), true
	}
	const fastjson = `repo="fastjson/fastjson"`
	paidThen, ok := value(`fundwatch_repo_paid_ratio{`+fastjson+`,window="year"}`, past)
	if !ok {
		t.Fatalf("no paid ratio for fastjson at %s in the imported history", past.Format(time.DateOnly))
	}
	paidNow, _ := value(`fundwatch_repo_paid_ratio{`+fastjson+`,window="recent"}`, last)
	if paidThen < 0.5 || paidNow > paidThen-0.2 {
		t.Errorf("fastjson paid share %.2f at %s, %.2f at the end: want the employer's exit visible in history", paidThen, past.Format(time.DateOnly), paidNow)
	}
	if v, ok := value(`fundwatch_repo_employer_exits{`+fastjson+`}`, past); !ok || v != 0 {
		t.Errorf("employer exits of fastjson at %s = %v (present %v), want 0", past.Format(time.DateOnly), v, ok)
	}
	if v, _ := value(`fundwatch_repo_employer_exits{`+fastjson+`}`, last); v != 1 {
		t.Errorf("employer exits of fastjson at the end = %v, want 1", v)
	}
	// Every sample is on the step grid: a query between two samples
	// (beyond the 5m lookback) finds nothing.
	if _, ok := value(`fundwatch_repo_paid_ratio{`+fastjson+`,window="year"}`, past.Add(time.Hour)); ok {
		t.Error("a sample off the step grid")
	}
	// How many instants: from 2024-11-25 to the end every 4 weeks.
	n, _ := value(fmt.Sprintf(`count_over_time(fundwatch_repo_info{%s}[%dd])`, fastjson, 740), last)
	if want := float64(int(end.Sub(time.Date(2024, 11, 25, 0, 0, 0, 0, time.UTC))/step) + 1); n != want {
		t.Errorf("%v samples of fundwatch_repo_info for fastjson, want %v", n, want)
	}
}
