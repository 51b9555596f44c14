package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/internal/textsafe"
)

// printSummary writes one line per watched repository. notes, if given,
// adds a column (the demo uses it for each repository's intended story).
func printSummary(w io.Writer, s *analysis.Snapshot, notes map[string]string) error {
	// Names and reasons come from outside: escape what a terminal would
	// obey (textsafe).
	sw := textsafe.NewWriter(w)
	defer sw.Flush()
	w = sw
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "REPO\tTIER\tSTARS\tOPEN ISSUES\tARCHIVED\tCOMMITS 90D\tAUTHORS 90D\tCOMMITS 365D\tAUTHORS 365D\tLAST COMMIT\tPAID 365D\tBUS\tLIFECYCLE\tRISK"
	if notes != nil {
		header += "\tSTORY"
	}
	fmt.Fprintln(tw, header)
	for _, r := range sortedRepos(s) {
		cells := []string{r.Repo, dash(r.Tier)}
		if r.Collected {
			cells = append(cells, strconv.Itoa(r.Meta.Stars), strconv.Itoa(r.Meta.OpenIssues), yesNo(r.Meta.Archived))
		} else {
			cells = append(cells, "?", "?", "?")
		}
		an := r.Analysis
		for _, name := range []string{analysis.WindowRecent, analysis.WindowYear} {
			if an == nil {
				cells = append(cells, "?", "?")
				continue
			}
			ws, _ := an.Window(name)
			cells = append(cells, strconv.Itoa(ws.Commits), strconv.Itoa(ws.Authors))
		}
		switch {
		case an == nil:
			cells = append(cells, "?", "?", "?", "?", "?")
		default:
			last := "never"
			if !an.LastCommit.IsZero() {
				last = an.LastCommit.UTC().Format(time.DateOnly)
			}
			cells = append(cells, last, ratio(an.PaidRatio), factor(an.BusFactor), string(an.Lifecycle),
				fmt.Sprintf("%.2f %s", an.Risk.Score, reasonIDs(an.Risk.Reasons)))
		}
		if notes != nil {
			cells = append(cells, dash(notes[r.Repo]))
		}
		for i, c := range cells {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func ratio(v analysis.Value) string {
	if !v.OK {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*v.V)
}

func factor(v analysis.Value) string {
	if !v.OK {
		return "n/a"
	}
	return strconv.Itoa(int(v.V))
}

func reasonIDs(rs []analysis.Reason) string {
	seen := map[string]bool{}
	var ids []string
	for _, r := range rs {
		if !seen[r.ID] {
			seen[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return "(" + strings.Join(ids, ", ") + ")"
}
