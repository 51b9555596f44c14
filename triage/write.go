package triage

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/internal/textsafe"
)

// Formats the triage can be written in.
var Formats = []string{"text", "csv", "json", "html"}

// Write writes the report in the named format. The options matter to the
// HTML page only.
func Write(w io.Writer, r Report, format string, opts ...Option) error {
	switch format {
	case "text":
		return WriteText(w, r)
	case "csv":
		return WriteCSV(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "html":
		return WriteHTML(w, r, opts...)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func pct(v analysis.Value) string {
	if !v.OK {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*v.V)
}

func num(v analysis.Value) string {
	if !v.OK {
		return "n/a"
	}
	return strconv.FormatFloat(v.V, 'f', -1, 64)
}

func days(v analysis.Value) string {
	if !v.OK {
		return "n/a"
	}
	d := time.Duration(v.V * float64(time.Second))
	if d < 48*time.Hour {
		return fmt.Sprintf("%.0fh", d.Hours())
	}
	return fmt.Sprintf("%.0fd", d.Hours()/24)
}

func date(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.DateOnly)
}

func lastRelease(r Row) string {
	if !r.ReleasesKnown {
		return "n/a"
	}
	return date(r.LastRelease)
}

func tier(t string) string {
	if t == "" {
		return "-"
	}
	return t
}

// fundingSeen says in a few words what money fundwatch sees.
func fundingSeen(r Row) string {
	var parts []string
	if r.PaidNow.OK {
		parts = append(parts, "paid "+pct(r.PaidNow))
	}
	if r.SponsorsKnown {
		parts = append(parts, fmt.Sprintf("%d sponsors", r.Sponsors))
	}
	if r.GrantsYearUSD > 0 {
		parts = append(parts, fmt.Sprintf("grants $%.0f", r.GrantsYearUSD))
	}
	if len(r.Platforms) > 0 {
		parts = append(parts, strings.Join(r.Platforms, "+"))
	}
	if r.FundingIssue != "" {
		parts = append(parts, "FUNDING.yml has problems")
	}
	if len(parts) == 0 {
		return "none seen"
	}
	return strings.Join(parts, ", ")
}

// WriteText writes a terminal table, then each project's reasons.
func WriteText(w io.Writer, r Report) error {
	// Names and reasons come from outside: escape what a terminal would
	// obey (textsafe).
	sw := textsafe.NewWriter(w)
	defer sw.Flush()
	w = sw
	fmt.Fprintf(w, "Grant triage as of %s: watched projects ranked by funding gap (critical, drifting, little money seen)\n\n", date(r.AsOf))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tREPO\tTIER\tGAP\tRISK\tCRITICALITY\tPAID NOW\tPAID BASELINE\tBUS\tLAST RELEASE\tFIRST RESPONSE\tFUNDING SEEN")
	for _, row := range r.Rows {
		if !row.Available {
			fmt.Fprintf(tw, "%d\t%s\t%s\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tnot collected yet\n", row.Rank, row.Repo, tier(row.Tier))
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Rank, row.Repo, tier(row.Tier), row.Gap, row.Risk,
			row.Criticality, pct(row.PaidNow), pct(row.PaidBaseline), num(row.BusFactor), lastRelease(row), days(row.FirstResponse), fundingSeen(row))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%d. %s\n", row.Rank, row.Repo)
		for _, reason := range row.Reasons {
			fmt.Fprintf(w, "   - %s\n", reason)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// WriteCSV writes one line per project; values a spreadsheet can sort
// (shares as 0..1, durations in seconds, empty when unavailable). A CSV
// is as often read with cat as with a spreadsheet: control characters in
// names and reasons are escaped as in the text table (textsafe). The
// escapes are plain letters, digits and backslashes, so the quoting
// csv.Writer chose stays right.
func WriteCSV(w io.Writer, r Report) (err error) {
	sw := textsafe.NewWriter(w)
	defer func() {
		if ferr := sw.Flush(); err == nil {
			err = ferr
		}
	}()
	cw := csv.NewWriter(sw)
	opt := func(v analysis.Value) string {
		if !v.OK {
			return ""
		}
		return strconv.FormatFloat(v.V, 'f', -1, 64)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	if err := cw.Write([]string{"rank", "repo", "tier", "owner", "available", "lifecycle", "funding_gap", "drift_risk", "criticality_openssf", "criticality",
		"paid_share_recent", "paid_share_baseline", "bus_factor_year", "last_release", "first_response_seconds_recent",
		"funding_level", "sponsors", "funding_platforms", "grants_year_usd", "reasons"}); err != nil {
		return err
	}
	for _, row := range r.Rows {
		sponsors, lastRelease := "", ""
		if row.SponsorsKnown {
			sponsors = strconv.Itoa(row.Sponsors)
		}
		if !row.LastRelease.IsZero() {
			lastRelease = row.LastRelease.UTC().Format(time.RFC3339)
		}
		if err := cw.Write([]string{strconv.Itoa(row.Rank), row.Repo, row.Tier, row.Owner, strconv.FormatBool(row.Available), row.Lifecycle,
			f(row.Gap), f(row.Risk), f(row.Criticality), f(row.CriticalityEffective),
			opt(row.PaidNow), opt(row.PaidBaseline), opt(row.BusFactor), lastRelease, opt(row.FirstResponse),
			opt(row.FundingLevel), sponsors, strings.Join(row.Platforms, " "), f(row.GrantsYearUSD), strings.Join(row.Reasons, "; ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
