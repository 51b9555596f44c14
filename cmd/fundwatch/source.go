package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/fundwatch/fundwatch/service"
)

// sourceFlags choose what a reporting command (backfill, triage) reads: the
// store of a config, or a demo collected on the spot.
type sourceFlags struct {
	config, shard, scenario, end *string
	demo                         *bool
}

func addSourceFlags(cmd *kingpin.CmdClause, what string) *sourceFlags {
	return &sourceFlags{
		config:   cmd.Flag("config", "Configuration file (YAML): "+what+" what its store holds for its watch list (the store is only read).").Short('c').String(),
		shard:    cmd.Flag("shard", "With --config: the replica's share of the watch list, i/n, as given to its serve (its store holds only that share).").Default("0/1").String(),
		demo:     cmd.Flag("demo", "Collect the built-in demo (embedded fake GitHub, no network) and use that instead of --config.").Bool(),
		scenario: cmd.Flag("demo.scenario", "With --demo: scenario YAML instead of the built-in demo.").String(),
		end:      cmd.Flag("demo.end", "With --demo: date (YYYY-MM-DD) the scenario's history ends and the analysis is done; default now.").String(),
	}
}

// open returns the app to read from and what to call when done. With
// --demo it collects the demo first, without a snapshot per collector run
// (the caller computes what it needs once).
func (f *sourceFlags) open(ctx context.Context, log *slog.Logger, verb string) (*service.App, func(), error) {
	switch {
	case *f.demo && *f.config != "":
		return nil, nil, fmt.Errorf("--demo and --config exclude each other")
	case *f.demo:
		d, err := startDemo(log, *f.scenario, *f.end, "127.0.0.1:0", "")
		if err != nil {
			return nil, nil, err
		}
		a := d.app
		if _, err := a.CollectOnce(ctx); err != nil {
			d.Close()
			return nil, nil, err
		}
		if err := ctx.Err(); err != nil {
			d.Close()
			return nil, nil, err
		}
		return a, d.Close, nil
	case *f.config != "":
		cfg, err := (&configFlags{config: f.config, shard: f.shard, offline: true}).load(log)
		if err != nil {
			return nil, nil, err
		}
		// The store is only read: one that was never collected is not
		// created, and there is nothing to report from it yet.
		if _, err := os.Stat(cfg.Store.Path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("no store at %s yet: collect first (fundwatch collect --config %s)", cfg.Store.Path, *f.config)
		}
		a, err := service.New(cfg, log)
		if err != nil {
			return nil, nil, err
		}
		return a, func() { a.Close() }, nil
	default:
		return nil, nil, fmt.Errorf("say what to %s: --config FILE or --demo", verb)
	}
}
