package analysis

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/store"
)

// Before the authors' profiles are collected (the first collection, or a
// wave of new authors), who pays is unknown: paid share, employers and the
// reasons built on them are unavailable, never "volunteer-only".
func TestAffiliationWaitsForProfiles(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var commits []store.Commit
	for i := range 60 {
		login, email := "alice", "alice@users.noreply.github.com"
		if i%3 == 0 {
			login, email = "bob", "bob@users.noreply.github.com"
		}
		commits = append(commits, store.Commit{Repo: "acme/lib", SHA: fmt.Sprint(i), AuthorLogin: login, AuthorEmail: email,
			AuthorTime: at.Add(-time.Duration(i*10+1) * 24 * time.Hour)})
	}
	noLogins := slices.Clone(commits)
	for i := range noLogins {
		noLogins[i].AuthorLogin = ""
		noLogins[i].AuthorEmail = noLogins[i].SHA + "@example.net"
	}
	alice := store.User{Login: "alice", Company: "@acme-corp"}
	bob := store.User{Login: "bob", Company: "Acme Corp"}
	tests := []struct {
		name          string
		commits       []store.Commit
		users         []store.User
		wantOK        bool
		wantPaid      bool // paid share available
		wantCoverage  Value
		wantVolunteer string // "reason", "unavailable" or "no"
	}{
		{"all profiles known", commits, []store.User{alice, bob}, true, true, some(1), "no"},
		{"no profile known yet", commits, nil, false, false, some(0), "unavailable"},
		// bob made a third of the commits: 67% coverage < 90%.
		{"a third unknown", commits, []store.User{alice}, false, false, some(40.0 / 60), "unavailable"},
		// A plain git history has no logins: nothing to wait for.
		{"no logins at all", noLogins, nil, true, true, Value{}, "reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			people := NewPeople([][]store.Commit{tc.commits}, tc.users, nil, affiliation.NewResolver(affiliation.Options{}))
			a := Analyze(Facts{Repo: "acme/lib", Commits: tc.commits}, people, at, DefaultParams())
			if a.AffiliationOK != tc.wantOK {
				t.Errorf("AffiliationOK = %v, want %v", a.AffiliationOK, tc.wantOK)
			}
			if a.ProfileCoverage.OK != tc.wantCoverage.OK || (tc.wantCoverage.OK && fmt.Sprintf("%.3f", a.ProfileCoverage.V) != fmt.Sprintf("%.3f", tc.wantCoverage.V)) {
				t.Errorf("ProfileCoverage = %+v, want %+v", a.ProfileCoverage, tc.wantCoverage)
			}
			if a.PaidRatio.OK != tc.wantPaid {
				t.Errorf("PaidRatio = %+v, want available=%v", a.PaidRatio, tc.wantPaid)
			}
			for _, w := range a.Windows {
				if w.Affiliated != tc.wantOK || (!tc.wantOK && (len(w.Employers) > 0 || w.ElephantFactor.OK)) {
					t.Errorf("window %s: affiliated=%v employers=%v elephant=%+v", w.Window, w.Affiliated, w.Employers, w.ElephantFactor)
				}
			}
			if !tc.wantOK && a.ExitsAvailable {
				t.Error("employer exits judged without profiles")
			}
			got := "no"
			if slices.Contains(a.Risk.Unavailable, "volunteer_only") {
				got = "unavailable"
			}
			for _, r := range a.Risk.Reasons {
				if r.ID == "volunteer_only" {
					got = "reason"
				}
			}
			if got != tc.wantVolunteer {
				t.Errorf("volunteer_only: %s, want %s (reasons %+v)", got, tc.wantVolunteer, a.Risk.Reasons)
			}
		})
	}
}
