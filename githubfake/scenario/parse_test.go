package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// header is a valid scenario prefix of headerLines lines; cases append repos.
const header = `name: t
seed: 1
years: 2
employers:
  - {id: acme, name: Acme, domains: [acme.com], org: acme-corp}
people:
  - {login: alice, name: Alice A, employment: [{employer: acme, from: -3y}]}
  - {login: bob, name: Bob B, created: -6mo}
crowds:
  - {id: users, count: 5}
`

const headerLines = 10

func validRepo(phase string) string {
	return `repos:
  - repo: acme-corp/widget
    phases:
` + phase
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	okPhase := "      - {from: -12mo, contributors: [{person: alice, rate: 5}]}\n"
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"syntax", "name: [x\n", "t.yaml:1: did not find expected"},
		{"empty", "", "t.yaml: empty scenario"},
		{"unknown top key", "nme: t\n", `t.yaml:1: nme: unknown key (known: name, seed, years, start, employers, orgs, people, crowds, repos); did you mean name?`},
		{"wrong shape", "name: t\nemployers: acme\n", `t.yaml:2: employers: must be a list, got "acme"`},
		{"missing years", "name: t\nseed: 1\n", "t.yaml: years: history length missing"},
		{"bad number", header + "repos:\n  - repo: acme-corp/w\n    stars: many\n", `t.yaml:13: repos[0].stars: must be a whole number, got "many"`},
		{"unknown repo key", header + validRepo(okPhase) + "    colour: red\n", `t.yaml:15: repos[0].colour: unknown key (known: repo, description, `},
		{"bad date", header + validRepo("      - {from: -3x}\n"), `t.yaml:14: repos[0].phases[0].from: bad date "-3x"`},
		{"positive date", header + validRepo("      - {from: 12mo}\n"), `repos[0].phases[0].from: bad date "12mo": dates are relative to the end and must be negative`},
		{"bad duration", header + validRepo("      - from: -12mo\n        issues: {rate: 1, authors: [users], responders: [alice], response: fast}\n"),
			`t.yaml:15: repos[0].phases[0].issues.response: bad duration "fast"`},
		{"unknown person", header + validRepo("      - from: -12mo\n        contributors:\n          - {person: alice, rate: 5}\n          - {person: carol, rate: 5}\n"),
			`t.yaml:17: repos[0].phases[0].contributors[1].person: unknown person "carol"`},
		{"unknown crowd", header + validRepo("      - {from: -12mo, contributors: [{crowd: devs, rate: 5}]}\n"),
			`t.yaml:14: repos[0].phases[0].contributors[0].crowd: unknown crowd "devs"`},
		{"unknown issue author", header + validRepo("      - {from: -12mo, issues: {rate: 3, authors: [zed]}}\n"),
			`repos[0].phases[0].issues.authors[0]: unknown person or crowd "zed"`},
		{"crowd too small", header + validRepo("      - {from: -12mo, contributors: [{person: alice, rate: 1}, {crowd: users, people: 9, rate: 5}]}\n"),
			`repos[0].phases[0].contributors[1].people: 9 people, but crowd "users" has 5`},
		{"unknown owner", header + "repos:\n  - repo: nobody/widget\n    phases: [{from: -1mo}]\n", `t.yaml:12: repos[0].repo: owner "nobody" is neither a person nor an organisation`},
		// The checks after decoding cap their problems as the decoder
		// does, and say how many more there were.
		{"too many problems", header + validRepo("      - from: -12mo\n        contributors:\n"+strings.Repeat("          - {person: carol, rate: 5}\n", 25)),
			"t.yaml: 5 more errors not shown"},
		{"not owner/name", header + "repos:\n  - repo: widget\n    phases: [{from: -1mo}]\n", `repos[0].repo: "widget" is not owner/name`},
		{"phase before history", header + validRepo("      - {from: -30mo}\n"), `t.yaml:14: repos[0].phases[0].from: phase starts (-30mo) before the history does`},
		{"phase ends before start", header + validRepo("      - {from: -6mo, to: -12mo}\n"), `repos[0].phases[0].to: phase ends (-12mo) before it starts (-6mo)`},
		{"overlapping phases", header + validRepo("      - {from: -12mo, to: -3mo}\n      - {from: -6mo}\n"),
			`t.yaml:15: repos[0].phases[1].from: phase starts (-6mo) before phases[0] ends (-3mo)`},
		{"account created later", header + validRepo("      - {from: -12mo, contributors: [{person: bob, rate: 5}]}\n"),
			`repos[0].phases[0].contributors[0].person: "bob"'s account is created at -6mo, after this phase starts`},
		{"bad habit", header + validRepo("      - {from: -12mo, contributors: [{person: alice, rate: 5, habit: nights}]}\n"),
			`repos[0].phases[0].contributors[0].habit: habit "nights"`},
		{"share out of range", header + validRepo("      - {from: -12mo, contributors: [{person: alice, rate: 5, pr: 2}]}\n"),
			`repos[0].phases[0].contributors[0].pr: 2 is not a share`},
		{"unknown event employer", header + validRepo(okPhase) + "    events: [{kind: employer-exit, date: -6mo, employer: globex}]\n",
			`t.yaml:15: repos[0].events[0].employer: unknown employer "globex"`},
		{"unknown employer", "name: t\nyears: 2\npeople:\n  - login: carol\n    employment:\n      - {employer: initech, from: -2y}\n",
			`t.yaml:6: people[0].employment[0].employer: unknown employer "initech"`},
		{"overlapping employment", "name: t\nyears: 2\nemployers: [{id: a, name: A, domains: [a.com]}, {id: b, name: B, domains: [b.com]}]\npeople:\n  - login: carol\n    employment:\n      - {employer: a, from: -2y, to: -6mo}\n      - {employer: b, from: -1y}\n",
			`t.yaml:8: people[0].employment[1]: overlaps employment[0] (a from -2y to -6mo)`},
		{"duplicate login", header + "orgs: [{login: Alice}]\n", `t.yaml:7: people[0].login: "alice" already defined at orgs[0].login`},
		{"bad utc", "name: t\nyears: 1\npeople: [{login: x, utc: 'CET'}]\n", `t.yaml:3: people[0].utc: bad UTC offset "CET"`},
		{"bot merger", strings.Replace(header, "people:\n", "people:\n  - {login: \"robot[bot]\", type: Bot}\n", 1) + validRepo("      - {from: -12mo, contributors: [{person: alice, rate: 1}], pulls: {mergers: [\"robot[bot]\"]}}\n"),
			`repos[0].phases[0].pulls.mergers[0]: "robot[bot]" is a bot`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("t.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestHeaderLines(t *testing.T) {
	t.Parallel()
	if n := strings.Count(header, "\n"); n != headerLines {
		t.Fatalf("header has %d lines, tests assume %d", n, headerLines)
	}
}

func TestParseValidAndLoad(t *testing.T) {
	t.Parallel()
	src := header + validRepo("      - from: -12mo\n        contributors: [{person: alice, rate: 20}, {crowd: users, rate: 5}]\n        issues: {rate: 4, authors: [users], responders: [alice], response: 6h}\n        releases: {every: 2mo}\n")
	path := filepath.Join(t.TempDir(), "small.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	w, err := Expand(spec, end)
	if err != nil {
		t.Fatal(err)
	}
	checkWorld(t, w)
	r := w.Repos[0]
	if len(r.Commits) < 150 || len(r.Issues) < 20 || len(r.Releases) < 4 {
		t.Errorf("small world too small: %d commits, %d issues, %d releases", len(r.Commits), len(r.Issues), len(r.Releases))
	}
	if w.Users["acme-corp"] == nil || w.Users["acme-corp"].Type != "Organization" {
		t.Errorf("employer org missing from users")
	}

	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Errorf("Load of a missing file succeeded")
	}
}

func TestOffsetsAndSpans(t *testing.T) {
	t.Parallel()
	end := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	offsets := []struct {
		in   string
		want time.Time
	}{
		{"0", end},
		{"-36mo", time.Date(2022, 6, 15, 12, 0, 0, 0, time.UTC)},
		{"-2y6mo", time.Date(2022, 12, 15, 12, 0, 0, 0, time.UTC)},
		{"-90d", end.AddDate(0, 0, -90)},
		{"-2w12h", end.AddDate(0, 0, -14).Add(-12 * time.Hour)},
	}
	for _, tt := range offsets {
		o, err := ParseOffset(tt.in)
		if err != nil {
			t.Errorf("ParseOffset(%q): %v", tt.in, err)
			continue
		}
		if got := o.At(end); !got.Equal(tt.want) {
			t.Errorf("ParseOffset(%q).At = %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "-", "36mo", "-3x", "-1.5y", "yesterday"} {
		if _, err := ParseOffset(bad); err == nil {
			t.Errorf("ParseOffset(%q) succeeded", bad)
		}
	}
	spans := map[string]time.Duration{"6h": 6 * time.Hour, "3d": 72 * time.Hour, "1w2d": 9 * 24 * time.Hour, "90m": 90 * time.Minute}
	for in, want := range spans {
		s, err := ParseSpan(in)
		if err != nil || s.D != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", in, s.D, err, want)
		}
	}
	if s, err := ParseSpan("none"); err != nil || !s.None {
		t.Errorf("ParseSpan(none) = %+v, %v", s, err)
	}
	for _, bad := range []string{"", "0h", "-3d", "soon"} {
		if _, err := ParseSpan(bad); err == nil {
			t.Errorf("ParseSpan(%q) succeeded", bad)
		}
	}
}

// TestReadmeExample keeps the documented example valid.
func TestReadmeExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	if !ok {
		t.Fatal("no yaml example in README.md")
	}
	example, _, _ := strings.Cut(rest, "```")
	spec, err := Parse("README.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Expand(spec, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	checkWorld(t, w)
}

// TestExpandChecks makes sure a spec edited in Go is checked again, with the
// YAML positions it came from.
func TestExpandChecks(t *testing.T) {
	t.Parallel()
	spec := DemoSpec()
	spec.Repos[3].Phases[0].Contributors[0].Person = "bob"
	_, err := Expand(spec, testEnd)
	if err == nil || !strings.Contains(err.Error(), `repos[3].phases[0].contributors[0].person: unknown person "bob"`) || !strings.HasPrefix(err.Error(), "demo.yaml:") {
		t.Errorf("Expand error = %v", err)
	}
	_, err = Expand(&Spec{Name: "code"}, testEnd)
	if err == nil || !strings.Contains(err.Error(), `scenario "code": years: history length missing`) {
		t.Errorf("Expand error = %v", err)
	}
}
