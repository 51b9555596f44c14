package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/internal/textsafe"
	"github.com/fundwatch/fundwatch/service"
	"github.com/fundwatch/fundwatch/watchlist"
)

// watchlistCmd prints the resolved watch list: every repository the
// config's sources reach, with its tier, owners and where it came from, and
// every dependency that maps to none. It reads no store and collects
// nothing; only org items call GitHub (one request per page).
type watchlistCmd struct {
	cmd    *kingpin.CmdClause
	cfg    *configFlags
	format *string
}

func newWatchlistCmd(app *kingpin.Application) *watchlistCmd {
	c := &watchlistCmd{cmd: app.Command("watchlist", "Print the resolved watch list (repositories from repo, org, gomod, npm and sbom items, de-duplicated) with where each came from, and the dependencies that map to no repository.")}
	c.cfg = addConfigFlags(c.cmd)
	c.format = c.cmd.Flag("format", "Output format: text or json.").Default("text").Enum("text", "json")
	return c
}

func (c *watchlistCmd) run(log *slog.Logger) int {
	if err := c.runErr(log, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch watchlist: %v\n", err)
		return 1
	}
	return 0
}

func (c *watchlistCmd) runErr(log *slog.Logger, w io.Writer) error {
	cfg, err := c.cfg.load(log)
	if err != nil {
		return err
	}
	gh, err := service.GitHubClient(cfg, nil, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := (&watchlist.Resolver{GH: gh, Config: cfg.Source}).Resolve(ctx, cfg.Watch)
	if err != nil {
		return err
	}
	l = service.InShard(l, cfg.Shard)
	if *c.format == "json" {
		return writeWatchlistJSON(w, l)
	}
	return writeWatchlistText(w, l)
}

// watchlistJSON is the --format json shape.
type watchlistJSON struct {
	Repos    []watchlistRepo      `json:"repos"`
	Unmapped []watchlist.Unmapped `json:"unmapped"`
}

type watchlistRepo struct {
	Repo   string             `json:"repo"`
	Tier   string             `json:"tier"`
	Owner  string             `json:"owner"` // as the owner label: sorted, comma-separated
	Owners []string           `json:"owners"`
	From   []watchlist.Origin `json:"from"`
}

func writeWatchlistJSON(w io.Writer, l *watchlist.List) error {
	var out watchlistJSON
	out.Unmapped = l.Unmapped
	if out.Unmapped == nil {
		out.Unmapped = []watchlist.Unmapped{}
	}
	out.Repos = make([]watchlistRepo, len(l.Entries))
	for i, e := range l.Entries {
		r := &out.Repos[i]
		r.Repo, r.Tier, r.Owner, r.Owners, r.From = e.Repo.String(), e.Tier, e.Owner(), e.Owners, e.From
		if r.Owners == nil {
			r.Owners = []string{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeWatchlistText(w io.Writer, l *watchlist.List) error {
	// Names and reasons come from outside: escape what a terminal would
	// obey (textsafe).
	sw := textsafe.NewWriter(w)
	defer sw.Flush()
	w = sw
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPO\tTIER\tOWNER\tFROM")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, e := range l.Entries {
		for i, o := range e.From {
			repo, tier, owner := e.Repo.String(), dash(e.Tier), dash(e.Owner())
			if i > 0 {
				repo, tier, owner = "", "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", repo, tier, owner, origin(o))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d repositories.\n", len(l.Entries))
	if len(l.Unmapped) == 0 {
		_, err := fmt.Fprintln(w, "Every dependency mapped to a GitHub repository.")
		return err
	}
	fmt.Fprintf(w, "\n%d dependencies map to no GitHub repository and are not watched:\n\n", len(l.Unmapped))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEPENDENCY\tFROM\tWHY")
	for _, u := range l.Unmapped {
		fmt.Fprintf(tw, "%s\t%s %s %s\t%s\n", u.Dependency, u.Item, u.Kind, u.Source, u.Reason)
	}
	return tw.Flush()
}

// origin says where an entry came from: "watch[2] gomod go.mod: golang.org/x/net".
func origin(o watchlist.Origin) string {
	var b strings.Builder
	b.WriteString(o.Item + " " + o.Kind)
	if o.Kind != "repo" {
		b.WriteString(" " + o.Source)
	}
	if o.Dependency != "" {
		b.WriteString(": " + o.Dependency)
	}
	return b.String()
}
