// Command fundwatch watches the open-source projects you depend on and
// warns, early and with evidence, when a critical one is sliding toward
// volunteer-only maintenance.
//
//	fundwatch demo                      # embedded fake GitHub, no token, no network
//	fundwatch serve   --config FILE     # collect on schedule and export metrics
//	fundwatch collect --config FILE     # one collection pass, then exit
//	fundwatch analyze --log FILE        # analyse a history offline
//	fundwatch backfill --config FILE -o history.om   # history as OpenMetrics for promtool
//	fundwatch triage --config FILE [--format html]   # the grant-triage list
//	fundwatch watchlist --config FILE [--format json] # the resolved watch list
//	fundwatch healthcheck [--url URL]   # exit 0 when a running fundwatch is healthy (containers)
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"github.com/fundwatch/fundwatch/config"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
)

// defaultListen is fundwatch's fixed default port (documented in the
// README), declared once, in config.
const defaultListen = config.DefaultListenAddress

func main() {
	os.Exit(run(os.Args[1:]))
}

// stampVersion fills the version from the build information when the
// build did not stamp it (-X ...version.Version): `go install` and `go
// build` in a checkout record the module version and the VCS revision.
func stampVersion() {
	if version.Version != "" {
		return
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	version.Version = strings.TrimPrefix(bi.Main.Version, "v")
	if version.Version == "" || version.Version == "(devel)" {
		version.Version = "devel"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			version.Revision = s.Value
		case "vcs.time":
			version.BuildDate = s.Value
		case "vcs.modified":
			if s.Value == "true" && version.Revision != "" {
				version.Revision += "-modified"
			}
		}
	}
	version.GoVersion = bi.GoVersion
}

func run(args []string) int {
	stampVersion()
	app := kingpin.New("fundwatch", "Watches the open-source projects you depend on and warns when a critical one drifts toward volunteer-only maintenance.")
	app.Version(version.Print("fundwatch"))
	app.HelpFlag.Short('h')
	logCfg := &promslog.Config{}
	promslogflag.AddFlags(app, logCfg)

	serve := newServeCmd(app)
	collect := newCollectCmd(app)
	demo := newDemoCmd(app)
	analyze := newAnalyzeCmd(app)
	backfill := newBackfillCmd(app)
	triage := newTriageCmd(app)
	watch := newWatchlistCmd(app)
	health := newHealthcheckCmd(app)

	if len(args) == 0 {
		// No command is a mistake, not a request for help: say how to
		// use it and fail, as a script calling it wrongly should.
		app.UsageWriter(os.Stderr)
		app.Usage(nil)
		return 2
	}
	cmd, err := app.Parse(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch: %v\n", err)
		return 2
	}
	log := promslog.New(logCfg)
	switch cmd {
	case serve.cmd.FullCommand():
		return serve.run(log)
	case collect.cmd.FullCommand():
		return collect.run(log)
	case demo.cmd.FullCommand():
		return demo.run(log)
	case analyze.cmd.FullCommand():
		return analyze.run(log)
	case backfill.cmd.FullCommand():
		return backfill.run(log)
	case triage.cmd.FullCommand():
		return triage.run(log)
	case watch.cmd.FullCommand():
		return watch.run(log)
	case health.cmd.FullCommand():
		return health.run()
	}
	return 2
}
