package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/triage"
)

// triageCmd prints the grant-triage list from what the store holds (or
// from a fresh demo collection).
type triageCmd struct {
	cmd    *kingpin.CmdClause
	src    *sourceFlags
	format *string
	output *string
}

func newTriageCmd(app *kingpin.Application) *triageCmd {
	c := &triageCmd{cmd: app.Command("triage", "Rank the watched projects by funding gap (critical, drifting, little money seen), with the reasons, as a table, CSV, JSON or a self-contained HTML page.")}
	c.src = addSourceFlags(c.cmd, "rank")
	c.format = c.cmd.Flag("format", "Output format: "+strings.Join(triage.Formats, ", ")+".").Default("text").Enum(triage.Formats...)
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
	a, done, err := c.src.open(ctx, log, "rank")
	if err != nil {
		return err
	}
	defer done()
	if err := a.Refresh(ctx); err != nil {
		return fmt.Errorf("reading %s: %w", a.Config().Store.Path, err)
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
	// The same links as serve's page, from the config; the demo's
	// made-up projects get no GitHub link (service.App.SetFictional).
	if err := triage.Write(bw, triage.Build(a.Snapshot()), *c.format, triage.WithLinks(a.TriageLinks())); err != nil {
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
