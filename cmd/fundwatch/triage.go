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

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/triage"
)

// triageCmd prints the grant-triage list from what the store holds (or
// from a fresh demo collection).
type triageCmd struct {
	cmd      *kingpin.CmdClause
	config   *string
	demo     *bool
	scenario *string
	end      *string
	format   *string
	output   *string
}

func newTriageCmd(app *kingpin.Application) *triageCmd {
	c := &triageCmd{cmd: app.Command("triage", "Rank the watched projects by funding gap (critical, drifting, little money seen), with the reasons, as a table, CSV, JSON or a self-contained HTML page.")}
	c.config = c.cmd.Flag("config", "Configuration file (YAML): rank what its store holds for its watch list (the store is only read).").Short('c').String()
	c.demo = c.cmd.Flag("demo", "Collect the built-in demo (embedded fake GitHub, no network) and rank that instead of --config.").Bool()
	c.scenario = c.cmd.Flag("demo.scenario", "With --demo: scenario YAML instead of the built-in demo.").String()
	c.end = c.cmd.Flag("demo.end", "With --demo: date (YYYY-MM-DD) the scenario's history ends and the analysis is done; default now.").String()
	c.format = c.cmd.Flag("format", "Output format.").Default("text").Enum(triage.Formats...)
	c.output = c.cmd.Flag("output", "File to write (default standard output).").Short('o').Default("-").String()
	return c
}

func (c *triageCmd) run(log *slog.Logger) int {
	if err := c.runErr(log); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch triage: %v\n", err)
		return 1
	}
	return 0
}

func (c *triageCmd) runErr(log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var a *app
	switch {
	case *c.demo && *c.config != "":
		return fmt.Errorf("--demo and --config exclude each other")
	case *c.demo:
		d, err := startDemo(log, *c.scenario, *c.end, "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer d.Close()
		a = d.app
		entries, err := a.enabledCollectors()
		if err != nil {
			return err
		}
		a.runner.AfterRun = nil
		a.runner.RunAll(ctx, collectorsOf(entries), a.repos())
		if ctx.Err() != nil {
			return ctx.Err()
		}
	case *c.config != "":
		cfg, err := loadConfig(*c.config, log)
		if err != nil {
			return err
		}
		if a, err = newApp(cfg, log); err != nil {
			return err
		}
		defer a.Close()
	default:
		return fmt.Errorf("say what to rank: --config FILE or --demo")
	}
	if err := a.refresh(ctx); err != nil {
		return fmt.Errorf("reading %s: %w", a.cfg.Store.Path, err)
	}
	var w io.Writer = os.Stdout
	var f *os.File
	if *c.output != "-" {
		var err error
		if f, err = os.Create(*c.output); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if err := triage.Write(bw, triage.Build(a.snapshot()), *c.format); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}
