package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
)

// printSummary writes one line per watched repository. notes, if given,
// adds a column (the demo uses it for each repository's intended story).
func printSummary(w io.Writer, s *analysis.Snapshot, notes map[string]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "REPO\tTIER\tSTARS\tOPEN ISSUES\tARCHIVED\tCOMMITS 90D\tAUTHORS 90D\tCOMMITS 365D\tAUTHORS 365D\tLAST COMMIT"
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
		win := map[string]analysis.WindowStats{}
		for _, ws := range r.Windows {
			win[ws.Window] = ws
		}
		for _, name := range []string{"90d", "365d"} {
			if ws, ok := win[name]; ok && r.CommitsCollected {
				cells = append(cells, strconv.Itoa(ws.Commits), strconv.Itoa(ws.Authors))
			} else {
				cells = append(cells, "?", "?")
			}
		}
		switch {
		case !r.CommitsCollected:
			cells = append(cells, "?")
		case r.LastCommit.IsZero():
			cells = append(cells, "never")
		default:
			cells = append(cells, r.LastCommit.UTC().Format(time.DateOnly))
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
