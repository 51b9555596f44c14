package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/analysis/identity"
	"github.com/fundwatch/fundwatch/history"
	"github.com/fundwatch/fundwatch/internal/textsafe"
	"github.com/fundwatch/fundwatch/internal/userfile"
	"github.com/fundwatch/fundwatch/service"
	"github.com/fundwatch/fundwatch/store"
)

type analyzeCmd struct {
	cmd          *kingpin.CmdClause
	git, log     *string
	repo         *string
	asOf         *string
	affiliations *string
	mailmap      *string
	format       *string
	timeline     *bool
	from, to     *string
	every        *string
	archivedAt   *string
}

func newAnalyzeCmd(app *kingpin.Application) *analyzeCmd {
	c := &analyzeCmd{cmd: app.Command("analyze", "Analyse one commit history without any API: who does the work, who pays, employer exits, handovers, lifecycle, drift risk.")}
	c.git = c.cmd.Flag("git", "A local clone or bare repository, read with git log.").String()
	c.log = c.cmd.Flag("log", "A commit history in fundwatch's TSV format (gzip or plain), as in shared/data.").String()
	c.repo = c.cmd.Flag("repo", "Name to report the history under (default: from the path).").String()
	c.asOf = c.cmd.Flag("as-of", "Analyse as if it were this day (YYYY-MM-DD); default: the day of the newest commit.").String()
	c.affiliations = c.cmd.Flag("affiliations", "Affiliation file (gitdm-like: email-or-domain  Employer  [< yyyy-mm-dd]).").String()
	c.mailmap = c.cmd.Flag("mailmap", "A .mailmap file merging people's addresses (with --git, the repository's own .mailmap is used when present).").String()
	c.format = c.cmd.Flag("format", "Output format: text or json.").Default("text").Enum("text", "json")
	c.archivedAt = c.cmd.Flag("archived-at", "The day (YYYY-MM-DD) the repository was archived, as GitHub's archivedAt says: a history has no such record, and it is how a retired project is seen (lifecycle archived, reason abandoned) from that day on.").String()
	c.timeline = c.cmd.Flag("timeline", "Analyse the history at every step between --from and --to and print when each signal turned on and off (and when it could not be evaluated).").Bool()
	c.from = c.cmd.Flag("from", "With --timeline: the first day (YYYY-MM-DD); default: two years after the first commit (or the last month, for a shorter history).").String()
	c.to = c.cmd.Flag("to", "With --timeline: the last day (YYYY-MM-DD); default: --as-of, else the day of the newest commit.").String()
	c.every = c.cmd.Flag("every", "With --timeline: the step, \"month\" (the first of each month) or a number of days (\"7d\").").Default("month").String()
	return c
}

func (c *analyzeCmd) run(_ *slog.Logger) int {
	if err := c.runErr(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "fundwatch analyze: %v\n", err)
		return 1
	}
	return 0
}

func (c *analyzeCmd) runErr(w io.Writer) error {
	if (*c.git == "") == (*c.log == "") {
		return errors.New("give exactly one of --git PATH or --log FILE")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	repo := *c.repo
	var (
		commits []store.Commit
		err     error
		mm      *identity.Mailmap
	)
	if *c.log != "" {
		if repo == "" {
			repo = nameFromPath(*c.log)
		}
		commits, err = history.ReadTSVFile(*c.log, repo)
	} else {
		if repo == "" {
			repo = nameFromPath(*c.git)
		}
		commits, err = history.ReadGit(ctx, *c.git, repo)
	}
	if err != nil {
		return err
	}
	if *c.mailmap != "" {
		data, err := userfile.Read(*c.mailmap, service.MaxSmallFile)
		if err != nil {
			return err
		}
		if mm, err = identity.ParseMailmap(*c.mailmap, data); err != nil {
			return err
		}
	}
	var file *affiliation.File
	if *c.affiliations != "" {
		if file, err = affiliation.LoadFile(*c.affiliations); err != nil {
			return err
		}
	}
	at, err := c.instant(commits)
	if err != nil {
		return err
	}
	// The repository's own name is its domain's, never an employer's.
	_, name, _ := strings.Cut(repo, "/")
	if name == "" {
		name = repo
	}
	people := analysis.NewPeople([][]store.Commit{commits}, nil, mm,
		affiliation.NewResolver(affiliation.Options{File: file, Projects: []string{name}}))
	facts := analysis.Facts{Repo: repo, Commits: commits}
	if *c.archivedAt != "" {
		t, err := time.Parse(time.DateOnly, *c.archivedAt)
		if err != nil {
			return fmt.Errorf("--archived-at %q: want YYYY-MM-DD", *c.archivedAt)
		}
		facts.Meta = &store.Repo{FullName: repo, Archived: true, ArchivedAt: t}
	}
	if *c.timeline {
		return c.writeTimeline(w, facts, people, at)
	}
	a := analysis.Analyze(facts, people, at, analysis.DefaultParams())
	if *c.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	return writeReport(w, a, analysis.DefaultParams())
}

// writeTimeline analyses the history at every step and prints the spans
// of each signal.
func (c *analyzeCmd) writeTimeline(w io.Writer, facts analysis.Facts, people *analysis.People, at time.Time) error {
	step := analysis.Monthly
	if *c.every != "month" {
		d, err := analysis.ParseDuration(*c.every)
		if err != nil || d < 24*time.Hour {
			return fmt.Errorf("--every %q: want \"month\" or a number of days (\"7d\")", *c.every)
		}
		step = analysis.Every(d)
	}
	to := at
	if *c.to != "" {
		t, err := time.Parse(time.DateOnly, *c.to)
		if err != nil {
			return fmt.Errorf("--to %q: want YYYY-MM-DD", *c.to)
		}
		to = t.Add(24*time.Hour - time.Second) // the whole day, as --as-of

	}
	var from time.Time
	if *c.from != "" {
		t, err := time.Parse(time.DateOnly, *c.from)
		if err != nil {
			return fmt.Errorf("--from %q: want YYYY-MM-DD", *c.from)
		}
		from = t
	} else {
		for _, cm := range facts.Commits {
			if from.IsZero() || cm.AuthorTime.Before(from) {
				from = cm.AuthorTime
			}
		}
		// Signals need a baseline year and a last year; a shorter
		// history starts at the last month.
		from = analysis.Monthly(from.UTC().AddDate(2, 0, 0))
		if from.After(to) {
			from = time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	if from.After(to) {
		return fmt.Errorf("--from %s is after --to %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	spans := analysis.Timeline(facts, people, from, to, step, analysis.DefaultParams())
	if *c.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Repo  string          `json:"repo"`
			From  time.Time       `json:"from"`
			To    time.Time       `json:"to"`
			Every string          `json:"every"`
			Spans []analysis.Span `json:"spans"`
		}{facts.Repo, from, to, *c.every, spans})
	}
	sw := textsafe.NewWriter(w) // see writeReport
	defer sw.Flush()
	w = sw
	fmt.Fprintf(w, "fundwatch timeline of %s, every %s from %s to %s\n", facts.Repo, *c.every, from.Format(time.DateOnly), to.Format(time.DateOnly))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  signal\tsubject\tstate\tfrom\tuntil")
	for _, s := range spans {
		until := "(still)"
		if !s.To.IsZero() {
			until = s.To.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Signal, s.Subject, s.State, s.From.Format(time.DateOnly), until)
	}
	return tw.Flush()
}

func (c *analyzeCmd) instant(commits []store.Commit) (time.Time, error) {
	if *c.asOf != "" {
		t, err := time.Parse(time.DateOnly, *c.asOf)
		if err != nil {
			return time.Time{}, fmt.Errorf("--as-of %q: want YYYY-MM-DD", *c.asOf)
		}
		// The whole day counts.
		return t.Add(24*time.Hour - time.Second), nil
	}
	var last time.Time
	for _, cm := range commits {
		if cm.AuthorTime.After(last) {
			last = cm.AuthorTime
		}
	}
	if last.IsZero() {
		return time.Now().UTC(), nil
	}
	return last.UTC(), nil
}

// nameFromPath turns "data/samba-team__samba.commits.tsv.gz" into
// "samba-team/samba" and "/src/curl/.git" into "curl".
func nameFromPath(p string) string {
	base := filepath.Base(strings.TrimSuffix(filepath.Clean(p), "/.git"))
	for _, suf := range []string{".gz", ".tsv", ".commits", ".git"} {
		base = strings.TrimSuffix(base, suf)
	}
	return strings.Replace(base, "__", "/", 1)
}

// writeReport is the text a foundation could paste into a grant review.
func writeReport(w io.Writer, a *analysis.Analysis, p *analysis.Params) error {
	// Names and reasons come from outside: escape what a terminal would
	// obey (textsafe).
	sw := textsafe.NewWriter(w)
	defer sw.Flush()
	w = sw
	year, _ := a.Window(analysis.WindowYear)
	base, _ := a.Window(analysis.WindowBaseline)
	recent, _ := a.Window(analysis.WindowRecent)
	fmt.Fprintf(w, "fundwatch analysis of %s as of %s\n", a.Repo, a.AsOf.UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "History: %d commits", a.Commits)
	if !a.LastCommit.IsZero() {
		fmt.Fprintf(w, ", the newest on %s", a.LastCommit.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(w, ". Lifecycle: %s.\n\n", a.Lifecycle)

	fmt.Fprintln(w, "Who does the work")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  \tlast 90 days\tlast year\tyear before")
	row := func(label string, f func(analysis.WindowStats) string) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", label, f(recent), f(year), f(base))
	}
	row("commits (bots included)", func(s analysis.WindowStats) string { return fmt.Sprint(s.Commits) })
	row("people", func(s analysis.WindowStats) string { return fmt.Sprint(s.Authors) })
	for _, cl := range analysis.Classes {
		row("  "+string(cl)+" commits", func(s analysis.WindowStats) string { return fmt.Sprint(s.ByClass[cl].Commits) })
	}
	row("paid share (employer known)", func(s analysis.WindowStats) string { return ratio(s.PaidShare) })
	row("working-hours share (independent estimate)", func(s analysis.WindowStats) string { return ratio(s.WorkingHoursShare) })
	row("bus factor", func(s analysis.WindowStats) string { return factor(s.BusFactor) })
	row("elephant factor", func(s analysis.WindowStats) string { return factor(s.ElephantFactor) })
	tw.Flush()
	for _, ws := range []analysis.WindowStats{year, base} {
		if len(ws.Employers) == 0 {
			continue
		}
		var parts []string
		for _, e := range ws.Employers {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", e.Employer, 100*e.Share))
		}
		label := "last year"
		if ws.Window == analysis.WindowBaseline {
			label = "year before"
		}
		fmt.Fprintf(w, "  employers, %s: %s\n", label, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "Drift risk: %.2f\n", a.Risk.Score)
	if len(a.Risk.Reasons) == 0 {
		fmt.Fprintln(w, "  No reason raises it.")
	}
	for _, r := range a.Risk.Reasons {
		fmt.Fprintf(w, "  - %s: %s.\n    What to do: %s\n", r.Title, r.Detail, p.Signals[r.ID].Action)
	}
	if len(a.Risk.Unavailable) > 0 {
		var titles []string
		for _, id := range a.Risk.Unavailable {
			titles = append(titles, p.Signals[id].Title)
		}
		sort.Strings(titles)
		fmt.Fprintf(w, "  Not evaluated, for lack of data: %s.\n", strings.Join(titles, "; "))
	}
	return nil
}
