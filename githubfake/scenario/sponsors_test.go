package scenario

import (
	"strings"
	"testing"
	"time"
)

func TestSponsorsErrors(t *testing.T) {
	t.Parallel()
	person := func(sponsors string) string {
		return "name: t\nyears: 1\npeople:\n  - login: alice\n    sponsors: " + sponsors + "\n"
	}
	tests := []struct {
		name, yaml, want string
	}{
		{"negative", person("{listing: true, public: -1}"), `t.yaml:5: people[0].sponsors.public: -1 sponsors: want 0 to 1000000`},
		{"no listing", person("{public: 3}"), `t.yaml:5: people[0].sponsors.listing: sponsors or a goal without a listing`},
		{"bad kind", person("{listing: true, goal: {kind: stars, target: 5}}"), `t.yaml:5: people[0].sponsors.goal.kind: goal kind "stars": want sponsors or monthly`},
		{"no target", person("{listing: true, goal: {kind: sponsors}}"), `people[0].sponsors.goal.target: target 0: want 1 to`},
		{"monthly on count goal", person("{listing: true, goal: {kind: sponsors, target: 5, monthly: 100}}"), `people[0].sponsors.goal.monthly: monthly applies to kind monthly only`},
		{"unknown key", person("{listing: true, secret: 3}"), `t.yaml:5: people[0].sponsors.secret: unknown key (known: listing, public, private, goal)`},
		{"bot", "name: t\nyears: 1\npeople:\n  - {login: \"r[bot]\", type: Bot, sponsors: {listing: true}}\n", `people[0].sponsors: a bot cannot have a GitHub Sponsors profile`},
		{"org", "name: t\nyears: 1\norgs:\n  - login: proj\n    sponsors: {listing: true, private: x}\n", `t.yaml:5: orgs[0].sponsors.private: must be a whole number, got "x"`},
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

func TestSponsorsTruth(t *testing.T) {
	t.Parallel()
	src := `name: t
years: 1
orgs:
  - {login: proj, sponsors: {listing: true, public: 40, private: 2, goal: {kind: monthly, target: 1000, monthly: 2500}}}
people:
  - {login: alice, sponsors: {listing: true, public: 3, private: 1, goal: {kind: sponsors, target: 16, description: "d"}}}
  - {login: bob, sponsors: {listing: false}}
  - {login: carol}
`
	spec, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Expand(spec, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	a := w.Users["alice"].Sponsors
	if a == nil || !a.HasListing || a.Total() != 4 || a.Goal == nil ||
		*a.Goal != (SponsorsGoal{Kind: "TOTAL_SPONSORS_COUNT", TargetValue: 16, PercentComplete: 25, Title: "16 sponsors", Description: "d"}) {
		t.Errorf("alice: %+v goal %+v", a, a.Goal)
	}
	p := w.Users["proj"].Sponsors
	if p == nil || p.Goal == nil || p.Goal.PercentComplete != 100 || p.Goal.Kind != "MONTHLY_SPONSORSHIP_AMOUNT" || p.Goal.Title != "$1000 per month" {
		t.Errorf("proj: %+v goal %+v", p, p.Goal)
	}
	if w.Users["bob"].Sponsors != nil || w.Users["carol"].Sponsors != nil {
		t.Errorf("accounts without a listing got a Sponsors profile")
	}
}

// TestDemoSponsors pins the funding picture the demo's stories rely on.
func TestDemoSponsors(t *testing.T) {
	t.Parallel()
	w, err := Demo(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	mk := w.Users["mkessler"].Sponsors
	if mk == nil || mk.Total() == 0 || mk.Total() > 10 || mk.Goal == nil || mk.Goal.PercentComplete >= 50 {
		t.Errorf("mkessler (volunteer-critical) should have a few sponsors and an unmet goal: %+v", mk)
	}
	om := w.Users["openmetrics-tools"].Sponsors
	if om == nil || om.Total() < 100 {
		t.Errorf("openmetrics-tools (revived) should be well funded: %+v", om)
	}
	if kf := w.Users["kfrost"].Sponsors; kf != nil {
		t.Errorf("kfrost (handover newcomer) should have no listing: %+v", kf)
	}
	for _, e := range w.Employers {
		if u := w.Users[e.Org]; e.Org != "" && u.Sponsors != nil {
			t.Errorf("corporate org %s has a Sponsors listing", e.Org)
		}
	}
}
