package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/model"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/metrics"
)

// backfillCmd replays the stored history as OpenMetrics with timestamps,
// so that Prometheus (after promtool tsdb create-blocks-from openmetrics)
// shows years of history on the first day and alert rules can be
// backtested on the past.
type backfillCmd struct {
	cmd    *kingpin.CmdClause
	src    *sourceFlags
	output *string
	step   *string
	from   *string
	to     *string
}

func newBackfillCmd(app *kingpin.Application) *backfillCmd {
	c := &backfillCmd{cmd: app.Command("backfill", "Write the stored history as OpenMetrics with timestamps (one sample per step), for promtool tsdb create-blocks-from openmetrics.")}
	c.src = addSourceFlags(c.cmd, "backfill")
	c.output = c.cmd.Flag("output", "OpenMetrics file to write (- for standard output).").Short('o').Required().String()
	c.step = c.cmd.Flag("step", "Time between samples (Prometheus duration: 1d, 1w, ...).").Default("1w").String()
	c.from = c.cmd.Flag("from", "First date (YYYY-MM-DD); default the oldest collected commit plus 90 days, when the first window fills.").String()
	c.to = c.cmd.Flag("to", "Last date (YYYY-MM-DD); default now (with --demo: --demo.end).").String()
	return c
}

func (c *backfillCmd) run(log *slog.Logger) int {
	if err := c.runErr(log); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch backfill: %v\n", err)
		return 1
	}
	return 0
}

func (c *backfillCmd) runErr(log *slog.Logger) error {
	step, err := model.ParseDuration(*c.step)
	if err != nil || step <= 0 {
		return fmt.Errorf("--step %q: want a positive Prometheus duration such as 1d or 1w", *c.step)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	a, done, err := c.src.open(ctx, log, "backfill")
	if err != nil {
		return err
	}
	defer done()

	h, err := analysis.Load(ctx, a.Store(), a.Targets(), a.AnalysisOptions())
	if err != nil {
		return fmt.Errorf("reading %s: %w", a.Config().Store.Path, err)
	}
	to := a.Now().UTC()
	if *c.to != "" {
		if to, err = time.Parse(time.DateOnly, *c.to); err != nil {
			return fmt.Errorf("--to %q: want YYYY-MM-DD", *c.to)
		}
	}
	var from time.Time
	if *c.from != "" {
		if from, err = time.Parse(time.DateOnly, *c.from); err != nil {
			return fmt.Errorf("--from %q: want YYYY-MM-DD", *c.from)
		}
	} else {
		first := h.FirstCommit()
		if first.IsZero() {
			return fmt.Errorf("%s holds no commit history for the watch list: collect first (fundwatch collect --config ...)", a.Config().Store.Path)
		}
		from = first.UTC().Add(90 * 24 * time.Hour)
	}
	instants := metrics.Instants(from, to, time.Duration(step))
	if len(instants) == 0 {
		return fmt.Errorf("nothing to write: --from %s is after --to %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}

	var w io.Writer = os.Stdout
	var f *os.File
	if *c.output != "-" {
		if f, err = os.Create(*c.output); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Now()
	n, err := metrics.WriteHistory(bw, h, instants, a.Selection())
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", *c.output, err)
	}
	fmt.Fprintf(os.Stderr, "fundwatch backfill: %d samples at %d instants from %s to %s every %s, written to %s in %s\n",
		n, len(instants), instants[0].Format(time.DateOnly), instants[len(instants)-1].Format(time.DateOnly), step, *c.output,
		time.Since(start).Round(time.Millisecond))
	if *c.output != "-" {
		fmt.Fprintf(os.Stderr, "import it with: promtool tsdb create-blocks-from openmetrics %s DATA_DIR  (then start Prometheus on DATA_DIR with --storage.tsdb.retention.time longer than the history)\n", *c.output)
	}
	return nil
}
