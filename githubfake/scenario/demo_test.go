package scenario

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

var testEnd = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func demo(t testing.TB) *World {
	t.Helper()
	w, err := Demo(testEnd)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func repoByStory(t *testing.T, w *World, story string) *Repo {
	t.Helper()
	for _, r := range w.Repos {
		if r.Truth.Story == story {
			return r
		}
	}
	t.Fatalf("no repo with story %q", story)
	return nil
}

func event(t *testing.T, r *Repo, kind string) Event {
	t.Helper()
	for _, e := range r.Truth.Events {
		if e.Kind == kind {
			return e
		}
	}
	t.Fatalf("%s: no %q event", r.FullName(), kind)
	return Event{}
}

// commitsIn returns the commits authored in [from, to).
func commitsIn(r *Repo, from, to time.Time) []Commit {
	var out []Commit
	for _, c := range r.Commits {
		if !c.AuthorDate.Before(from) && c.AuthorDate.Before(to) {
			out = append(out, c)
		}
	}
	return out
}

func humans(cs []Commit) []Commit {
	return slices.DeleteFunc(slices.Clone(cs), func(c Commit) bool { return c.TruthBot })
}

// byLogin counts commits per author login (falling back to the email).
func byLogin(w *World, cs []Commit) map[string]int {
	emailOwner := map[string]string{}
	for _, u := range w.Users {
		for _, e := range u.Emails {
			emailOwner[e] = u.Login
		}
	}
	m := map[string]int{}
	for _, c := range cs {
		m[emailOwner[c.AuthorEmail]]++
	}
	return m
}

func share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// firstResponses gives, per issue created in [from, to), the delay to the
// first comment by someone other than the author; ok=false when unanswered.
func firstResponses(w *World, r *Repo, from, to time.Time) (delays []time.Duration, unanswered int) {
	first := map[int]time.Time{}
	author := map[int]string{}
	for _, is := range r.Issues {
		author[is.Number] = is.User
	}
	for _, c := range r.Comments {
		if c.User == author[c.IssueNumber] || w.Users[c.User].Type == "Bot" {
			continue
		}
		if _, ok := first[c.IssueNumber]; !ok {
			first[c.IssueNumber] = c.CreatedAt
		}
	}
	for _, is := range r.Issues {
		if is.IsPull || is.CreatedAt.Before(from) || !is.CreatedAt.Before(to) {
			continue
		}
		if f, ok := first[is.Number]; ok {
			delays = append(delays, f.Sub(is.CreatedAt))
		} else {
			unanswered++
		}
	}
	slices.Sort(delays)
	return delays, unanswered
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[len(ds)/2]
}

func officeHours(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 17
}

func TestDemoDeterministic(t *testing.T) {
	t.Parallel()
	a, b := demo(t), demo(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two expansions of the demo differ")
	}
	spec := DemoSpec()
	spec.Seed++
	c, err := Expand(spec, testEnd)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Repos[0].Commits, c.Repos[0].Commits) {
		t.Error("a different seed gives the same commits")
	}
	// The end moves the whole world: a later end gives later commits.
	d, err := Demo(testEnd.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !d.End.After(a.End) || !d.Repos[0].Commits[0].AuthorDate.After(a.Repos[0].Commits[0].AuthorDate) {
		t.Error("the world does not follow its end")
	}
}

func TestDemoSize(t *testing.T) {
	t.Parallel()
	w := demo(t)
	people, orgs, bots := 0, 0, 0
	for _, u := range w.Users {
		switch u.Type {
		case "User":
			people++
		case "Organization":
			orgs++
		case "Bot":
			bots++
		}
	}
	commits, issues, pulls := 0, 0, 0
	ownerTypes := map[string]int{}
	for _, r := range w.Repos {
		commits += len(r.Commits)
		for _, is := range r.Issues {
			if is.IsPull {
				pulls++
			} else {
				issues++
			}
		}
		ownerTypes[w.Users[r.Owner].Type]++
		t.Logf("%s", repoSummary(w, r))
	}
	first := w.End
	for _, r := range w.Repos {
		if len(r.Commits) > 0 && r.Commits[0].AuthorDate.Before(first) {
			first = r.Commits[0].AuthorDate
		}
	}
	checks := []struct {
		what      string
		got, want int
	}{
		{"repos", len(w.Repos), 12},
		{"people", people, 200},
		{"bots", bots, 3},
		{"employers", len(w.Employers), 4},
		{"commits", commits, 20000},
		{"issues+pulls", issues + pulls, 3000},
		{"plain issues", issues, 1500},
		{"org-owned repos", ownerTypes["Organization"], 3},
		{"person-owned repos", ownerTypes["User"], 3},
		{"days of history", int(w.End.Sub(first).Hours() / 24), 3 * 365},
	}
	for _, c := range checks {
		if c.got < c.want {
			t.Errorf("%s = %d, want ≥ %d", c.what, c.got, c.want)
		}
	}
	t.Logf("%d users (%d people, %d orgs, %d bots), %d commits, %d issues, %d pulls", len(w.Users), people, orgs, bots, commits, issues, pulls)
}

// TestDemoIdentities checks the world offers the identity puzzles fundwatch
// must solve: corporate, project and generic mail domains, varied company
// texts, unlinked emails.
func TestDemoIdentities(t *testing.T) {
	t.Parallel()
	w := demo(t)
	domains := map[string]int{}
	unlinked := 0
	for _, r := range w.Repos {
		for _, c := range r.Commits {
			_, d, _ := strings.Cut(c.AuthorEmail, "@")
			domains[d]++
			if c.AuthorLogin == "" {
				unlinked++
			}
		}
	}
	for _, d := range []string{"gmail.com", "outlook.com", "users.noreply.github.com", "hooli.xyz", "globex.com", "acme.com", "fastjson.org", "soylent.dev"} {
		if domains[d] == 0 {
			t.Errorf("no commits from @%s", d)
		}
	}
	for _, e := range w.Employers {
		for _, d := range e.Domains {
			if d == "fastjson.org" || d == "gmail.com" {
				t.Errorf("employer %s claims %s", e.ID, d)
			}
		}
	}
	if unlinked == 0 {
		t.Error("every commit email is linked to an account; want some unlinked")
	}
	companies := map[string]bool{}
	for _, u := range w.Users {
		if u.Type == "User" && len(u.Employment) > 0 && u.Employment[0].Employer == "hooli" {
			companies[u.Company] = true
		}
	}
	if len(companies) < 4 {
		t.Errorf("Hooli people write their company %d ways (%v), want ≥ 4", len(companies), companies)
	}
}

func TestDemoFunding(t *testing.T) {
	t.Parallel()
	w := demo(t)
	multi, malformed := false, false
	for _, r := range w.Repos {
		if r.FundingYML == "" {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal([]byte(r.FundingYML), &m); err != nil {
			malformed = true
			continue
		}
		n := 0
		for _, k := range []string{"github", "open_collective", "tidelift", "custom"} {
			if m[k] != nil {
				n++
			}
		}
		multi = multi || n == 4
	}
	if !multi || !malformed {
		t.Errorf("want a FUNDING.yml with github, open_collective, tidelift and custom (got %v) and a malformed one (got %v)", multi, malformed)
	}
}

func TestDemoStories(t *testing.T) {
	t.Parallel()
	w := demo(t)
	end := w.End
	stories := map[string]bool{}
	for _, r := range w.Repos {
		stories[r.Truth.Story] = true
	}
	for _, s := range []string{"healthy-corporate", "employer-exit", "volunteer-critical", "abandoned", "finished", "handover", "revived", "archived", "bot-heavy"} {
		if !stories[s] {
			t.Errorf("no %s repo", s)
		}
	}

	t.Run("healthy-corporate", func(t *testing.T) {
		for _, r := range w.Repos {
			if r.Truth.Story != "healthy-corporate" {
				continue
			}
			year := humans(commitsIn(r, end.AddDate(-1, 0, 0), end))
			paid := 0
			for _, c := range year {
				if c.TruthEmployer != "" {
					paid++
				}
			}
			if s := share(paid, len(year)); s < 0.6 {
				t.Errorf("%s: paid share %.2f in the last year, want ≥ 0.6", r.FullName(), s)
			}
			for q := range 4 {
				if n := len(commitsIn(r, end.AddDate(0, -3*(q+1), 0), end.AddDate(0, -3*q, 0))); n < 100 {
					t.Errorf("%s: %d commits in quarter -%d, want steady ≥ 100", r.FullName(), n, q)
				}
			}
			if d, _ := firstResponses(w, r, end.AddDate(-1, 0, 0), end); median(d) > 24*time.Hour {
				t.Errorf("%s: median first response %v, want < 1d", r.FullName(), median(d))
			}
			if last := r.Releases[len(r.Releases)-1]; end.Sub(last.PublishedAt) > 90*24*time.Hour {
				t.Errorf("%s: last release %v, want within 90 days", r.FullName(), last.PublishedAt)
			}
		}
	})

	t.Run("employer-exit", func(t *testing.T) {
		r := repoByStory(t, w, "employer-exit")
		ev := event(t, r, "employer-exit")
		if ago := end.Sub(ev.Date); ago < 270*24*time.Hour || ago > 366*24*time.Hour {
			t.Errorf("exit %v before the end, want 9–12 months", ago)
		}
		before := humans(commitsIn(r, ev.Date.AddDate(-1, 0, 0), ev.Date))
		after := humans(commitsIn(r, ev.Date, end))
		count := func(cs []Commit) (n int) {
			for _, c := range cs {
				if c.TruthEmployer == ev.Employer {
					n++
				}
			}
			return n
		}
		if s := share(count(before), len(before)); s < 0.5 {
			t.Errorf("%s share in the year before the exit = %.2f, want ≥ 0.5", ev.Employer, s)
		}
		if n := count(after); n > len(after)/100 {
			t.Errorf("%s still has %d of %d commits after the exit", ev.Employer, n, len(after))
		}
		// Someone who worked for the exiting employer carries on elsewhere.
		moved := false
		beforeBy, afterBy := map[string]string{}, map[string]string{}
		for _, c := range before {
			if c.AuthorLogin != "" {
				beforeBy[c.AuthorLogin] = c.TruthEmployer
			}
		}
		for _, c := range after {
			if c.AuthorLogin != "" && beforeBy[c.AuthorLogin] == ev.Employer && c.TruthEmployer != "" && c.TruthEmployer != ev.Employer {
				moved = true
				afterBy[c.AuthorLogin] = c.TruthEmployer
			}
		}
		if !moved {
			t.Error("nobody from the exiting employer keeps contributing under a new employer")
		}
		db, _ := firstResponses(w, r, ev.Date.AddDate(-1, 0, 0), ev.Date)
		da, _ := firstResponses(w, r, ev.Date, end)
		if median(da) < 3*median(db) {
			t.Errorf("responses do not decay: median %v before, %v after", median(db), median(da))
		}
		if r.Truth.Tier != "critical" {
			t.Errorf("tier %q", r.Truth.Tier)
		}
	})

	t.Run("volunteer-critical", func(t *testing.T) {
		r := repoByStory(t, w, "volunteer-critical")
		recent := humans(commitsIn(r, end.AddDate(-1, 0, 0), end))
		top, topN := "", 0
		for l, n := range byLogin(w, recent) {
			if n > topN {
				top, topN = l, n
			}
		}
		if s := share(topN, len(recent)); s < 0.8 {
			t.Errorf("top author %s has %.2f of recent commits, want ≥ 0.8", top, s)
		}
		office := 0
		for _, c := range r.Commits {
			if c.TruthEmployer != "" {
				t.Fatalf("commit %s paid by %s in a volunteer-only repo", c.SHA, c.TruthEmployer)
			}
			if officeHours(c.AuthorDate) {
				office++
			}
		}
		if s := share(office, len(r.Commits)); s > 0.25 {
			t.Errorf("%.2f of commits in office hours, want mostly evenings and weekends", s)
		}
		if d, _ := firstResponses(w, r, end.AddDate(-1, 0, 0), end); median(d) < 24*time.Hour {
			t.Errorf("median first response %v, want slow (≥ 1d)", median(d))
		}
		if r.Truth.Tier != "critical" {
			t.Errorf("tier %q", r.Truth.Tier)
		}
	})

	t.Run("abandoned", func(t *testing.T) {
		r := repoByStory(t, w, "abandoned")
		last := r.Commits[len(r.Commits)-1].CommitterDate
		if last.After(end.AddDate(0, -18, 0)) {
			t.Errorf("last commit %v, want ≥ 18 months before the end", last)
		}
		d, unanswered := firstResponses(w, r, end.AddDate(0, -18, 0), end)
		if len(d) > 0 || unanswered < 50 {
			t.Errorf("last 18 months: %d answered, %d unanswered issues; want issues arriving and none answered", len(d), unanswered)
		}
	})

	t.Run("finished", func(t *testing.T) {
		r := repoByStory(t, w, "finished")
		for y := range 3 {
			n := len(commitsIn(r, end.AddDate(-y-1, 0, 0), end.AddDate(-y, 0, 0)))
			if n > 12 {
				t.Errorf("%d commits in year -%d, want a few", n, y)
			}
		}
		if n := len(commitsIn(r, end.AddDate(-3, 0, 0), end)); n == 0 {
			t.Error("no commits at all in the last 3 years, want a few a year")
		}
		d, un := firstResponses(w, r, end.AddDate(-2, 0, 0), end)
		if median(d) > 24*time.Hour || share(un, un+len(d)) > 0.15 {
			t.Errorf("median response %v, %d/%d unanswered; want prompt answers", median(d), un, un+len(d))
		}
	})

	t.Run("handover", func(t *testing.T) {
		r := repoByStory(t, w, "handover")
		ev := event(t, r, "newcomer")
		newcomer := w.Users[ev.Person]
		if end.Sub(newcomer.CreatedAt) > 400*24*time.Hour {
			t.Errorf("newcomer account created %v, want within the last year or so", newcomer.CreatedAt)
		}
		if n := byLogin(w, commitsIn(r, time.Time{}, ev.Date))[newcomer.Login]; n != 0 {
			t.Errorf("newcomer has %d commits before arriving", n)
		}
		prev := byLogin(w, humans(commitsIn(r, ev.Date.AddDate(-1, 0, 0), ev.Date)))
		old, oldN := "", 0
		for l, n := range prev {
			if n > oldN {
				old, oldN = l, n
			}
		}
		last := humans(commitsIn(r, end.AddDate(0, -6, 0), end))
		by := byLogin(w, last)
		if s := share(by[newcomer.Login], len(last)); s < 0.7 {
			t.Errorf("newcomer has %.2f of the last 6 months, want most", s)
		}
		if s := share(by[old], len(last)); s > 0.1 {
			t.Errorf("old maintainer %s still has %.2f of the last 6 months, want faded", old, s)
		}
		if share(oldN, len(humans(commitsIn(r, ev.Date.AddDate(-1, 0, 0), ev.Date)))) < 0.7 {
			t.Errorf("old maintainer %s was not the sole maintainer before", old)
		}
	})

	t.Run("revived", func(t *testing.T) {
		r := repoByStory(t, w, "revived")
		ev := event(t, r, "funding")
		if ago := end.Sub(ev.Date); ago < 180*24*time.Hour || ago > 280*24*time.Hour {
			t.Errorf("funding %v before the end, want 6–9 months", ago)
		}
		decline := event(t, r, "decline")
		monthsBefore := ev.Date.Sub(decline.Date).Hours() / 730
		rateBefore := float64(len(commitsIn(r, decline.Date, ev.Date))) / monthsBefore
		rateAfter := float64(len(commitsIn(r, ev.Date, end))) / (end.Sub(ev.Date).Hours() / 730)
		if rateAfter < 5*rateBefore {
			t.Errorf("commits/month %.1f in the decline, %.1f after funding; want a revival", rateBefore, rateAfter)
		}
		paid := map[string]bool{}
		for _, c := range commitsIn(r, ev.Date, end) {
			if c.TruthEmployer == ev.Employer {
				paid[c.AuthorEmail] = true
			}
		}
		for _, c := range commitsIn(r, time.Time{}, ev.Date) {
			if c.TruthEmployer == ev.Employer {
				t.Errorf("commit by the funder before the funding: %s", c.SHA)
				break
			}
		}
		if len(paid) < 2 {
			t.Errorf("%d people paid by %s after the funding, want 2–3", len(paid), ev.Employer)
		}
	})

	t.Run("archived", func(t *testing.T) {
		r := repoByStory(t, w, "archived")
		if !r.Archived || r.ArchivedAt.IsZero() {
			t.Fatal("not archived")
		}
		if ago := end.Sub(r.ArchivedAt); ago < 300*24*time.Hour || ago > 430*24*time.Hour {
			t.Errorf("archived %v before the end, want about a year", ago)
		}
		for _, c := range r.Commits {
			if c.CommitterDate.After(r.ArchivedAt) {
				t.Fatalf("commit %s after archiving", c.SHA)
			}
		}
		for _, is := range r.Issues {
			if is.CreatedAt.After(r.ArchivedAt) || is.ClosedAt.After(r.ArchivedAt) {
				t.Fatalf("issue #%d touched after archiving", is.Number)
			}
		}
		for _, c := range r.Comments {
			if c.CreatedAt.After(r.ArchivedAt) {
				t.Fatalf("comment %d after archiving", c.ID)
			}
		}
	})

	t.Run("bot-heavy", func(t *testing.T) {
		r := repoByStory(t, w, "bot-heavy")
		bots := map[string]int{}
		n := 0
		for _, c := range r.Commits {
			if u := w.Users[c.AuthorLogin]; u != nil && u.Type == "Bot" {
				n++
				bots[c.AuthorLogin]++
			}
		}
		if s := share(n, len(r.Commits)); s < 0.4 {
			t.Errorf("bot share %.2f, want ≥ 0.4", s)
		}
		for _, b := range []string{"dependabot[bot]", "renovate[bot]", "github-actions[bot]"} {
			if bots[b] == 0 {
				t.Errorf("no commits by %s", b)
			}
		}
		botPRs := 0
		for _, is := range r.Issues {
			if is.IsPull && is.User == "dependabot[bot]" {
				botPRs++
			}
		}
		if botPRs < 100 {
			t.Errorf("%d dependabot pull requests, want many", botPRs)
		}
	})
}

// TestWorkingHours checks the habits the Riehle working-hours test relies on.
func TestWorkingHours(t *testing.T) {
	t.Parallel()
	w := demo(t)
	paid, paidOffice, vol, volOffice := 0, 0, 0, 0
	for _, r := range w.Repos {
		for _, c := range r.Commits {
			switch {
			case c.TruthBot:
			case c.TruthEmployer != "":
				paid++
				if officeHours(c.AuthorDate) {
					paidOffice++
				}
			default:
				vol++
				if officeHours(c.AuthorDate) {
					volOffice++
				}
			}
		}
	}
	if s := share(paidOffice, paid); s < 0.75 {
		t.Errorf("paid commits in office hours: %.2f, want ≥ 0.75", s)
	}
	if s := share(volOffice, vol); s > 0.3 {
		t.Errorf("volunteer commits in office hours: %.2f, want ≤ 0.3", s)
	}
}

func TestDemoInvariants(t *testing.T) {
	t.Parallel()
	checkWorld(t, demo(t))
}

type semver struct {
	maj, min, pat int
	rc            bool
}

func parseTag(t *testing.T, tag string) semver {
	var v semver
	base, pre, _ := strings.Cut(strings.TrimPrefix(tag, "v"), "-")
	if _, err := fmt.Sscanf(base, "%d.%d.%d", &v.maj, &v.min, &v.pat); err != nil {
		t.Fatalf("tag %q is not semver", tag)
	}
	v.rc = pre != ""
	return v
}

func (a semver) less(b semver) bool {
	if a.maj != b.maj {
		return a.maj < b.maj
	}
	if a.min != b.min {
		return a.min < b.min
	}
	if a.pat != b.pat {
		return a.pat < b.pat
	}
	return a.rc && !b.rc
}

// checkWorld asserts what githubfake relies on, for any expanded world.
func checkWorld(t *testing.T, w *World) {
	t.Helper()
	user := func(where, login string) {
		if login != "" && w.Users[login] == nil {
			t.Errorf("%s: unknown login %q", where, login)
		}
	}
	ids := map[int64]string{}
	for login, u := range w.Users {
		if u.Login != login {
			t.Errorf("user %q stored under %q", u.Login, login)
		}
		if prev, ok := ids[u.ID]; ok {
			t.Errorf("users %s and %s share id %d", prev, login, u.ID)
		}
		ids[u.ID] = login
		for _, e := range u.Employment {
			if !e.To.IsZero() && !e.From.Before(e.To) {
				t.Errorf("%s: employment %v", login, e)
			}
		}
	}
	if !sort.SliceIsSorted(w.Repos, func(i, j int) bool {
		return strings.ToLower(w.Repos[i].FullName()) < strings.ToLower(w.Repos[j].FullName())
	}) {
		t.Error("repos not sorted")
	}
	repoIDs := map[int64]bool{}
	for _, r := range w.Repos {
		name := r.FullName()
		user(name+" owner", r.Owner)
		if repoIDs[r.ID] {
			t.Errorf("%s: duplicate repo id", name)
		}
		repoIDs[r.ID] = true
		for i, c := range r.Commits {
			where := fmt.Sprintf("%s commit %d", name, i)
			if b, err := hex.DecodeString(c.SHA); err != nil || len(b) != 20 {
				t.Fatalf("%s: bad sha %q", where, c.SHA)
			}
			if i > 0 {
				if len(c.Parents) != 1 || c.Parents[0] != r.Commits[i-1].SHA {
					t.Fatalf("%s: parents %v do not chain", where, c.Parents)
				}
				if c.CommitterDate.Before(r.Commits[i-1].CommitterDate) {
					t.Fatalf("%s: commits not sorted by committer date", where)
				}
			}
			if c.AuthorDate.Nanosecond() != 0 || c.CommitterDate.Nanosecond() != 0 {
				t.Fatalf("%s: dates with fractions of a second", where)
			}
			if c.CommitterDate.Before(c.AuthorDate) {
				t.Fatalf("%s: committed %v before authored %v", where, c.CommitterDate, c.AuthorDate)
			}
			if c.AuthorDate.Before(r.CreatedAt) || c.CommitterDate.After(w.End) {
				t.Fatalf("%s: dated %v outside [%v, %v]", where, c.AuthorDate, r.CreatedAt, w.End)
			}
			if c.AuthorEmail == "" || c.AuthorName == "" || c.Message == "" {
				t.Fatalf("%s: incomplete %+v", where, c)
			}
			user(where+" author", c.AuthorLogin)
			user(where+" committer", c.CommitterLogin)
			if c.AuthorLogin != "" {
				u := w.Users[c.AuthorLogin]
				if (u.Type == "Bot") != c.TruthBot {
					t.Fatalf("%s: TruthBot %v for %s", where, c.TruthBot, u.Type)
				}
				if !slices.Contains(u.Emails, c.AuthorEmail) {
					t.Fatalf("%s: email %s not among %s's", where, c.AuthorEmail, u.Login)
				}
				if c.TruthEmployer != "" && employerAt(u, c.AuthorDate) != c.TruthEmployer {
					t.Fatalf("%s: paid by %s, but %s works for %q then", where, c.TruthEmployer, u.Login, employerAt(u, c.AuthorDate))
				}
			}
		}
		numbers := map[int]time.Time{}
		for i, is := range r.Issues {
			where := fmt.Sprintf("%s #%d", name, is.Number)
			if is.Number != i+1 {
				t.Fatalf("%s: issue %d has number %d", name, i, is.Number)
			}
			if i > 0 && is.CreatedAt.Before(r.Issues[i-1].CreatedAt) {
				t.Fatalf("%s: issues not sorted", where)
			}
			if is.CreatedAt.After(w.End) || (!is.ClosedAt.IsZero() && is.ClosedAt.Before(is.CreatedAt)) {
				t.Fatalf("%s: bad dates %v..%v", where, is.CreatedAt, is.ClosedAt)
			}
			if is.CreatedAt.Nanosecond() != 0 || is.ClosedAt.Nanosecond() != 0 || is.MergedAt.Nanosecond() != 0 {
				t.Fatalf("%s: dates with fractions of a second", where)
			}
			if !is.MergedAt.IsZero() && (!is.IsPull || !is.ClosedAt.Equal(is.MergedAt) || is.MergedBy == "") {
				t.Fatalf("%s: inconsistent merge %+v", where, is)
			}
			user(where+" author", is.User)
			user(where+" closer", is.ClosedBy)
			user(where+" merger", is.MergedBy)
			numbers[is.Number] = is.CreatedAt
		}
		var lastID int64
		for _, c := range r.Comments {
			created, ok := numbers[c.IssueNumber]
			if !ok {
				t.Fatalf("%s: comment %d on missing issue #%d", name, c.ID, c.IssueNumber)
			}
			if c.CreatedAt.Before(created) || c.CreatedAt.After(w.End) {
				t.Fatalf("%s: comment %d at %v, issue created %v", name, c.ID, c.CreatedAt, created)
			}
			if c.ID <= lastID {
				t.Fatalf("%s: comment ids not increasing", name)
			}
			lastID = c.ID
			user(name+" comment", c.User)
		}
		var prev *semver
		for i, rl := range r.Releases {
			v := parseTag(t, rl.TagName)
			if prev != nil && !prev.less(v) {
				t.Fatalf("%s: release %s does not follow %s", name, rl.TagName, r.Releases[i-1].TagName)
			}
			prev = &v
			if rl.PublishedAt.Before(rl.CreatedAt) || rl.PublishedAt.After(w.End) {
				t.Fatalf("%s: release %s dates", name, rl.TagName)
			}
			user(name+" release", rl.Author)
		}
		for i := 1; i < len(r.Truth.Events); i++ {
			if r.Truth.Events[i].Date.Before(r.Truth.Events[i-1].Date) {
				t.Errorf("%s: events not sorted", name)
			}
		}
	}
}

func employerAt(u *User, t time.Time) string {
	for _, e := range u.Employment {
		if !t.Before(e.From) && (e.To.IsZero() || t.Before(e.To)) {
			return e.Employer
		}
	}
	return ""
}

func BenchmarkDemo(b *testing.B) {
	for b.Loop() {
		if _, err := Demo(testEnd); err != nil {
			b.Fatal(err)
		}
	}
}

// repoSummary is one line of counts, logged by TestDemoSize (go test -v).
func repoSummary(w *World, r *Repo) string {
	prs, bots := 0, 0
	people := map[string]bool{}
	for _, is := range r.Issues {
		if is.IsPull {
			prs++
		}
		people[is.User] = true
	}
	authors := byLogin(w, r.Commits)
	for l := range authors {
		people[l] = true
	}
	for _, c := range r.Comments {
		people[c.User] = true
	}
	for _, c := range r.Commits {
		if c.TruthBot {
			bots++
		}
	}
	return fmt.Sprintf("%-28s %-18s commits %5d (bots %4d, authors %3d) issues %4d PRs %4d comments %5d releases %2d people %3d",
		r.FullName(), r.Truth.Story, len(r.Commits), bots, len(authors), len(r.Issues)-prs, prs, len(r.Comments), len(r.Releases), len(people))
}
