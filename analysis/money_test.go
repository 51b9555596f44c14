package analysis

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/store"
)

func TestParseGrants(t *testing.T) {
	good := `grants:
  - repo: Acme/Lib
    funder: Sovereign Tech Fund
    amount_usd: 150000
    date: 2025-03-01
  - repo: acme/lib
    funder: Alpha-Omega
    amount_usd: 20000.5
    date: 2026-01-15
    note: security audit
`
	g, err := ParseGrants("grants.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(g["acme/lib"]) != 2 || g["acme/lib"][1].AmountUSD != 20000.5 || g["acme/lib"][1].Note != "security audit" {
		t.Errorf("grants = %+v", g)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"unknown key", "grants:\n  - repo: a/b\n    funder: x\n    amount: 5\n", "grants.yaml:4: grants[0].amount: unknown key (known: repo, funder, amount_usd, date, note)\n" +
			"grants.yaml:2: grants[0]: amount_usd, date are missing"},
		{"missing date", "grants:\n  - repo: a/b\n    funder: x\n    amount_usd: 5\n", "grants.yaml:2: grants[0]: date is missing"},
		{"bad repo", "grants:\n  - repo: nope\n    funder: x\n    amount_usd: 5\n    date: 2025-01-01\n", `grants.yaml:2: grants[0].repo: `},
		{"bad amount", "grants:\n  - repo: a/b\n    funder: x\n    amount_usd: -5\n    date: 2025-01-01\n", "grants.yaml:4: grants[0].amount_usd: -5: want a positive amount"},
		{"bad date", "grants:\n  - repo: a/b\n    funder: x\n    amount_usd: 5\n    date: March\n", `grants.yaml:5: grants[0].date: "March": want YYYY-MM-DD`},
		{"not a list", "grants: 5\n", `grants.yaml:1: grants: must be a list of grants (repo, funder, amount_usd, date), got the integer "5"`},
		{"top-level typo", "grant: []\n", "grants.yaml:1: grant: unknown key (known: grants); did you mean grants?"},
		// Every problem, not the first: a wrong kind, an item that is no
		// mapping (and so misses nothing more), a quoted date is a date.
		{"every problem", "grants:\n  - repo: a/b\n    funder: 5\n    amount_usd: five\n    date: '2025-01-01'\n  - 7\n",
			"grants.yaml:3: grants[0].funder: must be a string, got the integer \"5\" (quote it to make it a string)\n" +
				"grants.yaml:4: grants[0].amount_usd: must be a number, got \"five\"\n" +
				"grants.yaml:6: grants[1]: must be a mapping, got the integer \"7\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGrants("grants.yaml", []byte(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant prefix %s", err, tc.want)
			}
		})
	}
}

// The funding a project sees: its owner's, its maintainers' and its
// FUNDING.yml accounts' sponsors (not a passing contributor's), grants of
// the last year, and employers paying for recent work; the strongest
// counts.
func TestFundingAndGap(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var commits []store.Commit
	add := func(login string, n int) {
		for i := range n {
			commits = append(commits, store.Commit{Repo: "solo/yaml", SHA: fmt.Sprint(login, i), AuthorLogin: login,
				AuthorEmail: login + "@users.noreply.github.com", AuthorTime: at.Add(-time.Duration(i*3+1) * 24 * time.Hour)})
		}
	}
	add("maint", 80)  // the maintainer
	add("famous", 2)  // a famous occasional contributor
	add("helper", 30) // second most active, outside the bus-factor set
	users := []store.User{{Login: "maint"}, {Login: "famous"}, {Login: "helper"}}
	people := NewPeople([][]store.Commit{commits}, users, nil, affiliation.NewResolver(affiliation.Options{}))
	sponsors := map[string]SponsorFacts{
		"maint":  {Login: "maint", HasListing: true, Sponsors: 10},
		"famous": {Login: "famous", HasListing: true, Sponsors: 5000},
		"solo":   {Login: "solo", HasListing: true, Sponsors: 3},
		"fundme": {Login: "fundme", HasListing: true, Sponsors: 7},
		"nolist": {Login: "nolist", HasListing: false, Sponsors: 0},
	}
	meta := &store.Repo{FullName: "solo/yaml", CreatedAt: at.AddDate(-5, 0, 0), HasFundingYML: true,
		FundingYML: "github: [fundme, nolist]\nko_fi: maint\n"}
	p := DefaultParams()
	base := Facts{Repo: "solo/yaml", Meta: meta, Commits: commits, Tier: "critical"}

	tests := []struct {
		name         string
		sponsors     map[string]SponsorFacts
		grants       []Grant
		wantKnown    bool
		wantSponsors int
		wantLevel    float64
	}{
		{"sponsors not collected", nil, nil, false, 0, 0},
		// owner 3 + FUNDING.yml fundme 7 + maintainer 10; famous's 5000 do not count.
		{"owner, file accounts and maintainers", sponsors, nil, true, 20, 20.0 / 100 * 0.5},
		{"a grant this year", sponsors, []Grant{{AmountUSD: 75000, Date: at.AddDate(0, -2, 0)}, {AmountUSD: 999999, Date: at.AddDate(-2, 0, 0)}}, true, 20, 0.5},
	}
	var gaps []float64
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			f.Sponsors, f.Grants = tc.sponsors, tc.grants
			a := Analyze(f, people, at, p)
			fu := a.Funding
			if fu.SponsorsKnown != tc.wantKnown || fu.Sponsors != tc.wantSponsors {
				t.Errorf("sponsors known=%v n=%d, want %v %d (accounts %+v)", fu.SponsorsKnown, fu.Sponsors, tc.wantKnown, tc.wantSponsors, fu.SponsorAccounts)
			}
			// Nobody is paid here: paid share 0 is known, so the level is
			// known too.
			if !fu.Level.OK || math.Abs(fu.Level.V-tc.wantLevel) > 1e-9 {
				t.Errorf("level = %+v, want %v", fu.Level, tc.wantLevel)
			}
			if strings.Join(fu.Platforms, ",") != "github,ko_fi" {
				t.Errorf("platforms = %v", fu.Platforms)
			}
			if a.Criticality.Effective != 1 || a.Criticality.Tier != "critical" || !a.Criticality.OpenSSF.OK {
				t.Errorf("criticality = %+v", a.Criticality)
			}
			want := 1 * (p.FundingGap.RiskFloor + (1-p.FundingGap.RiskFloor)*a.Risk.Score) * (1 - tc.wantLevel)
			if math.Abs(a.Gap.Score-want) > 1e-9 {
				t.Errorf("gap = %v, want %v", a.Gap.Score, want)
			}
			if len(a.Gap.Reasons) == 0 || !strings.HasPrefix(a.Gap.Reasons[0], "declared critical") {
				t.Errorf("gap reasons = %v", a.Gap.Reasons)
			}
			gaps = append(gaps, a.Gap.Score)
		})
	}
	if len(gaps) == 3 && !(gaps[0] > gaps[1] && gaps[1] > gaps[2]) {
		t.Errorf("more funding must mean a smaller gap: %v", gaps)
	}
}

func TestQuarters(t *testing.T) {
	at := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	cs := []Contribution{
		{Time: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), Class: Paid}, // before the first quarter shown
		{Time: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Class: Paid}, // first instant of 2025 Q3
		{Time: time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), Class: Volunteer},
		{Time: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Class: Bot},
		{Time: time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC), Class: Unknown},
		{Time: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), Class: Paid}, // after at
	}
	q := quarters(cs, at, 4)
	want := []Quarter{
		{Start: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Paid: 1},
		{Start: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)},
		{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Volunteer: 1},
		{Start: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Bot: 1, Unknown: 1},
	}
	if fmt.Sprint(q) != fmt.Sprint(want) {
		t.Errorf("quarters = %v\nwant       %v", q, want)
	}
}
