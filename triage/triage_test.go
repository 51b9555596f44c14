package triage

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var asOf = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func some(v float64) analysis.Value { return analysis.Value{V: v, OK: true} }

func repo(name, tier string, gap, risk, crit float64, reasons ...string) analysis.Repo {
	return analysis.Repo{
		Target: analysis.Target{Repo: name, Tier: tier, Owner: "team-" + strings.Split(name, "/")[0]},
		Analysis: &analysis.Analysis{
			Repo: name, AsOf: asOf, Lifecycle: analysis.Active,
			Windows:           []analysis.WindowStats{{Window: "recent", PaidShare: some(0.1)}},
			PaidRatioBaseline: some(0.6), BusFactor: some(1),
			Risk:        analysis.Risk{Score: risk},
			Criticality: analysis.Criticality{Effective: crit},
			Gap:         analysis.Gap{Score: gap, Reasons: reasons},
			Funding:     analysis.Funding{Level: some(0.1), SponsorsKnown: true, Sponsors: 3, Platforms: []string{"github", "ko_fi"}},
			Quarters: []analysis.Quarter{
				{Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Paid: 3, Volunteer: 10, Unknown: 2},
				{Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Volunteer: 7, Bot: 4},
			},
		},
	}
}

func testSnapshot() *analysis.Snapshot {
	return &analysis.Snapshot{At: asOf, Repos: []analysis.Repo{
		repo("big/healthy", "", 0.02, 0, 0.6, "visible funding level 88%"),
		{Target: analysis.Target{Repo: "not/yet"}}, // never collected
		repo("solo/yaml", "critical", 0.69, 0.61, 1, "declared critical", "Volunteer-only maintenance: <b>no</b> employer"),
		repo("acme/json", "critical", 0.45, 0.60, 1, "Employer exit: acme did 61%"),
		repo("tie/b", "", 0.30, 0.5, 0.5),
		repo("tie/a", "", 0.30, 0.5, 0.5),
	}}
}

func TestBuildRanks(t *testing.T) {
	r := Build(testSnapshot())
	var order []string
	for i, row := range r.Rows {
		if row.Rank != i+1 {
			t.Errorf("row %d has rank %d", i, row.Rank)
		}
		order = append(order, row.Repo)
	}
	// Largest gap first; ties by risk, criticality, then name; never
	// analysed last.
	want := "solo/yaml acme/json tie/a tie/b big/healthy not/yet"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %s\nwant  %s", got, want)
	}
	last := r.Rows[len(r.Rows)-1]
	if last.Available || len(last.Reasons) != 1 || !strings.Contains(last.Reasons[0], "not analysed yet") {
		t.Errorf("never-collected row: %+v", last)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./triage -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./triage -update\n--- got:\n%s", path, got)
	}
}

func TestWriteFormats(t *testing.T) {
	r := Build(testSnapshot())
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, r, format); err != nil {
				t.Fatal(err)
			}
			golden(t, "triage."+map[string]string{"text": "txt", "csv": "csv", "json": "json", "html": "html"}[format], b.Bytes())
			switch format {
			case "csv":
				recs, err := csv.NewReader(&b).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) != len(r.Rows)+1 || recs[1][1] != "solo/yaml" {
					t.Errorf("csv: %d records, first %v", len(recs), recs[1])
				}
			case "json":
				var back Report
				if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Rows) != len(r.Rows) {
					t.Errorf("json round trip: %v, %d rows", err, len(back.Rows))
				}
			case "html":
				page := b.String()
				// Reasons are text: markup in them is escaped.
				if strings.Contains(page, "<b>no</b>") || !strings.Contains(page, "&lt;b&gt;no&lt;/b&gt;") {
					t.Error("a reason's markup is not escaped")
				}
				// Self-contained: nothing is loaded from anywhere; the only
				// links are to the projects on GitHub.
				for _, ext := range []string{"src=", "<link", "@import", "url(", "srcset", "<iframe", "<object", "<embed"} {
					if strings.Contains(page, ext) {
						t.Errorf("the page refers to an external resource (%s)", ext)
					}
				}
				for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
					if !strings.HasPrefix(m[1], "https://github.com/") {
						t.Errorf("the page links to %s", m[1])
					}
				}
			}
		})
	}
	if err := Write(&bytes.Buffer{}, r, "xml"); err == nil || err.Error() != `unknown format "xml" (want one of text, csv, json, html)` {
		t.Errorf("unknown format: %v", err)
	}
}

// The text table is for terminals: what came from outside is escaped.
func TestWriteTextEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	r := Report{Rows: []Row{{Rank: 1, Repo: "o/\x1b]0;pwned\x07", Available: true, Reasons: []string{"reason \x1b[2J"}}}}
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") || !strings.Contains(b.String(), `o/\x1b]0;pwned\x07`) {
		t.Errorf("not escaped:\n%q", b.String())
	}
}

// The CSV escapes control characters as the text table does, and stays a
// CSV: each record reads back with every field, the escapes in place of
// the characters.
func TestWriteCSVEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, repo, reason string
		wantRepo, wantWhy  string
	}{
		{"ANSI clear", "o/a\x1b[2Jb", "reason \x1b[2J", `o/a\x1b[2Jb`, `reason \x1b[2J`},
		{"OSC retitle", "o/\x1b]0;pwned\x07", "see \x1b]8;;https://evil.example\x1b\\here", `o/\x1b]0;pwned\x07`, `see \x1b]8;;https://evil.example\x1b\here`},
		{"C1 CSI", "o/c\u009b31m", "red\u009b0m", `o/c\u009b31m`, `red\u009b0m`},
		{"bidi override", "o/\u202egnp.exe", "a \u202eb", `o/\u202egnp.exe`, `a \u202eb`},
		{"CSV specials stay quoted", "o/\"q\",x", "one,\r\ntwo", `o/"q",x`, "one,\\x0d\ntwo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			r := Report{Rows: []Row{{Rank: 1, Repo: tc.repo, Available: true, Reasons: []string{tc.reason}}}}
			if err := WriteCSV(&b, r); err != nil {
				t.Fatal(err)
			}
			for _, c := range b.String() {
				if c != '\n' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e)) {
					t.Fatalf("raw %U in the CSV:\n%q", c, b.String())
				}
			}
			recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
			if err != nil {
				t.Fatalf("not a CSV any more: %v\n%q", err, b.String())
			}
			if len(recs) != 2 || len(recs[1]) != len(recs[0]) {
				t.Fatalf("records %q", recs)
			}
			if got, why := recs[1][1], recs[1][len(recs[1])-1]; got != tc.wantRepo || why != tc.wantWhy {
				t.Errorf("repo %q, reasons %q; want %q, %q", got, why, tc.wantRepo, tc.wantWhy)
			}
		})
	}
}
