package analysis

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis/responsiveness"
	"github.com/fundwatch/fundwatch/store"
)

func sortContributions(cs []Contribution) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Time.Before(cs[j].Time) })
}

// join merges contributions in time order.
func join(parts ...[]Contribution) []Contribution {
	var out []Contribution
	for _, p := range parts {
		out = append(out, p...)
	}
	sortContributions(out)
	return out
}

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

const dayD = 24 * time.Hour

// work builds contributions: n commits by person (class, employer) spread
// evenly over (from, to] days ago.
type work struct {
	person, employer string
	class            Class
	n                int
	fromDays, toDays int
}

func contributions(ws ...work) []Contribution {
	var out []Contribution
	for _, w := range ws {
		span := time.Duration(w.fromDays-w.toDays) * dayD
		for i := 0; i < w.n; i++ {
			t := at.Add(-time.Duration(w.fromDays)*dayD + span/time.Duration(w.n+1)*time.Duration(i+1))
			// "id|name" gives the person a name.
			person, name, _ := strings.Cut(w.person, "|")
			out = append(out, Contribution{Time: t, Person: person, Name: name, Class: w.class, Employer: w.employer, WorkingHours: -1})
		}
	}
	sortContributions(out)
	return out
}

func TestBusAndElephantFactor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		cs            []Contribution
		bus, elephant int
	}{
		{"empty", nil, 0, 0},
		{"one commit", contributions(work{"a", "", Volunteer, 1, 10, 0}), 1, 1},
		{"all bots", contributions(work{"bot", "", Bot, 50, 10, 0}), 0, 0},
		{"one dominant person", contributions(work{"a", "", Volunteer, 60, 10, 0}, work{"b", "", Volunteer, 40, 10, 0}), 1, 1},
		{"exactly half counts", contributions(work{"a", "", Unknown, 50, 10, 0}, work{"b", "", Unknown, 30, 10, 0}, work{"c", "", Unknown, 20, 10, 0}), 1, 1},
		{"three needed", contributions(work{"a", "", Unknown, 20, 10, 0}, work{"b", "", Unknown, 20, 10, 0}, work{"c", "", Unknown, 20, 10, 0}, work{"d", "", Unknown, 20, 10, 0}, work{"e", "", Unknown, 20, 10, 0}), 3, 3},
		{"bots ignored", contributions(work{"bot", "", Bot, 500, 10, 0}, work{"a", "", Volunteer, 10, 10, 0}, work{"b", "", Volunteer, 9, 10, 0}), 1, 1},
		{"one employer, many people", contributions(work{"a", "acme", Paid, 20, 10, 0}, work{"b", "acme", Paid, 20, 10, 0}, work{"c", "acme", Paid, 20, 10, 0}, work{"d", "", Volunteer, 30, 10, 0}), 2, 1},
		{"two employers", contributions(work{"a", "acme", Paid, 30, 10, 0}, work{"b", "globex", Paid, 30, 10, 0}, work{"c", "", Unknown, 35, 10, 0}), 2, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := busFactor(c.cs); got != c.bus {
				t.Errorf("bus factor %d, want %d", got, c.bus)
			}
			if got := elephantFactor(c.cs); got != c.elephant {
				t.Errorf("elephant factor %d, want %d", got, c.elephant)
			}
		})
	}
}

func TestWindowStatsEdgeCases(t *testing.T) {
	t.Parallel()
	empty := windowStats("recent", nil, at.Add(-90*dayD), at, 5)
	if empty.PaidShare.OK || empty.BusFactor.OK || empty.ElephantFactor.OK || empty.WorkingHoursShare.OK {
		t.Errorf("empty window reports values: %+v", empty)
	}
	bots := windowStats("recent", contributions(work{"bot", "", Bot, 10, 50, 0}), at.Add(-90*dayD), at, 5)
	if bots.Commits != 10 || bots.Authors != 0 || bots.PaidShare.OK || bots.BusFactor.OK {
		t.Errorf("all-bot window: %+v", bots)
	}
	mixed := windowStats("recent", contributions(
		work{"a", "acme", Paid, 30, 50, 0}, work{"b", "globex", Paid, 10, 50, 0}, work{"c", "initech", Paid, 5, 50, 0},
		work{"d", "", Volunteer, 5, 50, 0}, work{"e", "old", Paid, 7, 200, 100}), at.Add(-90*dayD), at, 2)
	if mixed.Commits != 50 || mixed.PaidShare.V != 0.9 {
		t.Errorf("mixed: commits %d paid %v", mixed.Commits, mixed.PaidShare)
	}
	want := []EmployerShare{{"acme", 30, 0.6}, {"globex", 10, 0.2}, {"other", 5, 0.1}}
	if len(mixed.Employers) != len(want) {
		t.Fatalf("employers %+v", mixed.Employers)
	}
	for i := range want {
		if mixed.Employers[i] != want[i] {
			t.Errorf("employer %d: %+v, want %+v", i, mixed.Employers[i], want[i])
		}
	}
}

func TestWorkingHoursInTheAuthorsOwnOffset(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		utc    string
		offset int // minutes
		known  bool
		want   int8
	}{
		{"unknown offset", "2026-06-03T10:00:00Z", 0, false, -1},
		{"Wednesday 10:00 UTC", "2026-06-03T10:00:00Z", 0, true, 1},
		{"Wednesday 23:30 UTC is Thursday 05:00 in +05:30", "2026-06-03T23:30:00Z", 330, true, 0},
		{"Wednesday 04:00 UTC is 09:30 in +05:30", "2026-06-03T04:00:00Z", 330, true, 1},
		{"Friday 22:00 UTC is Saturday 07:00 in +09:00", "2026-06-05T22:00:00Z", 540, true, 0},
		{"Monday 02:00 UTC is Sunday 22:00 in -04:00", "2026-06-08T02:00:00Z", -240, true, 0},
		{"Monday 13:00 UTC is 09:00 in -04:00", "2026-06-08T13:00:00Z", -240, true, 1},
		{"17:00 local is outside", "2026-06-03T17:00:00Z", 0, true, 0},
		{"16:59 local is inside", "2026-06-03T16:59:00Z", 0, true, 1},
	}
	for _, c := range cases {
		tm, _ := time.Parse(time.RFC3339, c.utc)
		got := workingHours(store.Commit{AuthorTime: tm, AuthorTZKnown: c.known, AuthorTZOffset: c.offset})
		if got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestEmployerExits(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	_ = dayD
	cases := []struct {
		name  string
		cs    []Contribution
		want  []string
		ok    bool
		lastN int // days ago the exiting employer was last active
	}{
		{"too little baseline work", contributions(work{"a", "acme", Paid, 10, 700, 400}), nil, false, 0},
		{"employer leaves with its people",
			contributions(work{"a", "acme", Paid, 60, 700, 300}, work{"b", "acme", Paid, 40, 700, 300}, work{"v", "", Volunteer, 40, 700, 0}),
			[]string{"acme"}, true, 300},
		{"people change employer but stay",
			contributions(work{"a", "acme", Paid, 60, 700, 300}, work{"a", "globex", Paid, 30, 300, 0}, work{"v", "", Volunteer, 40, 700, 0}),
			nil, true, 0},
		{"steady employer",
			contributions(work{"a", "acme", Paid, 100, 700, 0}, work{"v", "", Volunteer, 40, 700, 0}), nil, true, 0},
		{"small employer leaves: below the share threshold",
			contributions(work{"a", "acme", Paid, 21, 700, 300}, work{"v", "", Volunteer, 200, 700, 0}), nil, true, 0},
		// A quiet spell is no exit: the recent window grows back (up to a
		// year) until it holds enough work to judge, and there acme is
		// still most of it. The lifecycle reports the quiet.
		{"whole project pauses: no exit",
			contributions(work{"a", "acme", Paid, 60, 700, 200}, work{"v", "", Volunteer, 30, 700, 200}), nil, true, 0},
		{"a quiet year cannot be judged",
			contributions(work{"a", "acme", Paid, 60, 730, 400}, work{"v", "", Volunteer, 30, 730, 400}), nil, false, 0},
		// One leftover commit by acme's last person is more than
		// max_recent_share of a project that slowed down with it; acme's
		// pace fell far more than the rest's, and it lost people.
		{"a trickle does not hide an exit",
			contributions(work{"a", "acme", Paid, 100, 730, 100}, work{"b", "acme", Paid, 100, 730, 100}, work{"a", "acme", Paid, 1, 50, 40},
				work{"v", "", Volunteer, 60, 730, 0}, work{"w", "", Volunteer, 10, 80, 0}),
			[]string{"acme"}, true, 40},
		// The same, with one person: a maintainer's quiet months are not
		// their employer leaving.
		{"one person slowing down is no exit",
			contributions(work{"a", "acme", Paid, 200, 730, 100}, work{"a", "acme", Paid, 1, 50, 40},
				work{"v", "", Volunteer, 60, 730, 0}, work{"w", "", Volunteer, 10, 80, 0}),
			nil, true, 0},
		// Someone else's burst makes acme's share small, but acme works
		// on at its pace: no exit.
		{"another's burst is no exit",
			contributions(work{"a", "acme", Paid, 100, 730, 0}, work{"b", "acme", Paid, 100, 730, 0},
				work{"v", "", Volunteer, 40, 730, 90}, work{"v", "", Volunteer, 1000, 89, 0}),
			nil, true, 0},
		// A new address, a new employer, the same name: the work stayed.
		{"the same name at a new employer is retained",
			contributions(work{"a|ann", "acme", Paid, 100, 700, 300}, work{"a2|ann", "globex", Paid, 60, 300, 0}, work{"v", "", Volunteer, 40, 700, 0}),
			nil, true, 0},
		{"a different name at the new employer is not",
			contributions(work{"a|ann", "acme", Paid, 100, 700, 300}, work{"b|bob", "globex", Paid, 60, 300, 0}, work{"v", "", Volunteer, 40, 700, 0}),
			[]string{"acme"}, true, 300},
		// Its people come in bursts months apart, and a year ago it had
		// the same lull: fewer people than then is what an exit needs,
		// share alone is not.
		{"a team that works in bursts, with last year's lull, is no exit",
			contributions(work{"a", "acme", Paid, 60, 730, 460}, work{"b", "acme", Paid, 40, 730, 460}, work{"a", "acme", Paid, 40, 360, 100},
				work{"v", "", Volunteer, 100, 730, 0}),
			nil, true, 0},
		// The others did as much in the last year as the whole project in
		// the baseline year: the test that would end the exit passes, so
		// it never starts (it would turn on and off at once).
		{"an exit the others already made up for is none",
			contributions(work{"a", "acme", Paid, 60, 730, 300}, work{"b", "acme", Paid, 40, 730, 300},
				work{"v", "", Volunteer, 50, 730, 365}, work{"v", "", Volunteer, 200, 365, 0}, work{"w", "", Volunteer, 200, 365, 0}),
			nil, true, 0},
		{"employer still has a share above max recent",
			contributions(work{"a", "acme", Paid, 60, 700, 300}, work{"b", "acme", Paid, 5, 80, 0}, work{"v", "", Volunteer, 40, 700, 0}), nil, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := employerExits(c.cs, at, p)
			if ok != c.ok {
				t.Fatalf("available = %v, want %v", ok, c.ok)
			}
			if len(got) != len(c.want) {
				t.Fatalf("exits %+v, want %v", got, c.want)
			}
			for i, e := range got {
				if e.Employer != c.want[i] {
					t.Errorf("exit %d: %s, want %s", i, e.Employer, c.want[i])
				}
				// Commits are spread evenly, so the last one lies a few
				// days after the end of its span.
				if d := at.Sub(e.LastActive) / dayD; int(d) < c.lastN || int(d) > c.lastN+10 {
					t.Errorf("last active %d days ago, want ~%d", d, c.lastN)
				}
				if e.BaselineShare < p.EmployerExit.MinBaselineShare || e.Since.IsZero() {
					t.Errorf("exit %+v", e)
				}
			}
		})
	}
}

func TestHandovers(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	baseFrom, baseTo, recentFrom := at.Add(-730*dayD), at.Add(-365*dayD), at.Add(-90*dayD)
	cases := []struct {
		name string
		cs   []Contribution
		want bool
		ok   bool
	}{
		{"too little work", contributions(work{"old", "", Volunteer, 5, 700, 0}), false, false},
		{"the xz pattern",
			contributions(work{"old", "", Volunteer, 100, 729, 200}, work{"new", "", Volunteer, 5, 380, 366}, work{"new", "", Volunteer, 80, 365, 0}, work{"x", "", Volunteer, 10, 700, 0}),
			true, true},
		{"newcomer with older history is not new",
			contributions(work{"old", "", Volunteer, 100, 729, 200}, work{"new", "", Volunteer, 3, 900, 800}, work{"new", "", Volunteer, 80, 365, 0}),
			false, true},
		{"previous maintainer still dominant",
			contributions(work{"old", "", Volunteer, 200, 729, 0}, work{"new", "", Volunteer, 10, 90, 0}), false, true},
		// Names veto: the "newcomer" is the previous maintainer at a new
		// address, or someone whose name worked here long before.
		{"the previous maintainer at a new address",
			contributions(work{"old|ann", "", Volunteer, 100, 729, 200}, work{"new|ann", "", Volunteer, 80, 365, 0}, work{"x", "", Volunteer, 10, 700, 0}),
			false, true},
		{"a name with older history is not new",
			contributions(work{"old|ann", "", Volunteer, 100, 729, 200}, work{"prev|bob", "", Volunteer, 3, 900, 800},
				work{"new|bob", "", Volunteer, 80, 365, 0}, work{"x", "", Volunteer, 10, 700, 0}),
			false, true},
		{"the xz pattern with names",
			contributions(work{"old|ann", "", Volunteer, 100, 729, 200}, work{"new|jia", "", Volunteer, 80, 365, 0}, work{"x|bob", "", Volunteer, 10, 700, 0}),
			true, true},
		{"no dominant maintainer before",
			contributions(work{"a", "", Volunteer, 40, 729, 0}, work{"b", "", Volunteer, 40, 729, 0}, work{"c", "", Volunteer, 40, 729, 0}, work{"new", "", Volunteer, 100, 90, 0}),
			false, true},
		{"bots never take over",
			contributions(work{"old", "", Volunteer, 100, 729, 200}, work{"bot", "", Bot, 500, 90, 0}, work{"x", "", Volunteer, 120, 900, 0}),
			false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs, ok := handovers(c.cs, baseFrom, baseTo, recentFrom, at, p)
			if ok != c.ok || (len(hs) > 0) != c.want {
				t.Fatalf("handovers %+v ok=%v, want found=%v ok=%v", hs, ok, c.want, c.ok)
			}
			if c.want && (hs[0].Newcomer != "new" || hs[0].Previous != "old") {
				t.Errorf("handover %+v", hs[0])
			}
		})
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	mk := func(c365 int, unanswered Value, held heldSignals) *Analysis {
		a := &Analysis{Windows: []WindowStats{{Window: "recent"}, {Window: "year", Commits: c365}}, held: held}
		if unanswered.OK || unanswered.V != 0 {
			a.ResponsivenessYear = &responsiveness.Stats{UnansweredRatio: responsiveness.Value(unanswered)}
		}
		return a
	}
	on := HeldState{On: true, Judged: true}
	asOf := func(a *Analysis, t time.Time) *Analysis { a.AsOf = t; return a }
	cases := []struct {
		name string
		meta *store.Repo
		a    *Analysis
		want Lifecycle
	}{
		{"archived wins", &store.Repo{Archived: true}, mk(200, Value{}, heldSignals{Active: on}), Archived},
		{"archived since before the instant", &store.Repo{Archived: true, ArchivedAt: at.Add(-dayD)}, asOf(mk(200, Value{}, heldSignals{Active: on}), at), Archived},
		{"not yet archived at the instant", &store.Repo{Archived: true, ArchivedAt: at.Add(dayD)}, asOf(mk(200, Value{}, heldSignals{Active: on}), at), Active},
		{"no commits, issues unanswered", nil, mk(0, some(0.95), heldSignals{Declining: on}), Abandoned},
		{"no commits, issues answered", nil, mk(0, some(0.1), heldSignals{}), Inert},
		{"no commits, issues not collected", nil, mk(0, Value{}, heldSignals{}), Inert},
		{"declining wins over active", nil, mk(90, Value{}, heldSignals{Declining: on, Active: on}), Declining},
		{"active", nil, mk(160, Value{}, heldSignals{Active: on}), Active},
		{"finished but fine", nil, mk(6, Value{}, heldSignals{}), Stable},
	}
	for _, c := range cases {
		if got := lifecycle(c.meta, c.a); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// monthly builds contributions of person (class) with n[i] commits in the
// i-th month before at (n[0] is the month just before at).
func monthly(person string, class Class, n ...int) []Contribution {
	var out []Contribution
	for i, k := range n {
		end := at.AddDate(0, -i, 0)
		for j := 0; j < k; j++ {
			out = append(out, Contribution{Time: end.Add(-time.Duration(j+1) * time.Hour), Person: person, Class: class, WorkingHours: -1})
		}
	}
	return out
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

// TestHeldSignals checks the Schmitt triggers: on where the threshold is
// crossed, off only past the release threshold on enough work, held
// through too little work.
func TestHeldSignals(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	cases := []struct {
		name string
		cs   []Contribution
		pick func(heldSignals) HeldState
		on   bool
		// judged is whether the last instant could judge it.
		judged bool
	}{
		{"volunteer: no employer, on", join(monthly("a", Volunteer, repeat(3, 24)...)),
			func(h heldSignals) HeldState { return h.VolunteerOnly }, true, true},
		// Paid share went from 5% to 15% in the last year: between the
		// thresholds, it holds.
		{"volunteer: a paid trickle does not release it", join(monthly("a", Volunteer, repeat(19, 24)...), monthly("b", Paid, append(repeat(3, 12), repeat(1, 12)...)...)),
			func(h heldSignals) HeldState { return h.VolunteerOnly }, true, true},
		{"volunteer: real paid work releases it", join(monthly("a", Volunteer, repeat(10, 24)...), monthly("b", Paid, append(repeat(10, 12), repeat(0, 12)...)...)),
			func(h heldSignals) HeldState { return h.VolunteerOnly }, false, true},
		{"volunteer: held through a quiet year", join(monthly("a", Volunteer, append(repeat(0, 12), repeat(5, 12)...)...)),
			func(h heldSignals) HeldState { return h.VolunteerOnly }, true, false},
		{"volunteer: never judged is unavailable", join(monthly("a", Volunteer, 1, 1, 1)),
			func(h heldSignals) HeldState { return h.VolunteerOnly }, false, false},
		// The top person's share went 60% → 45%: still on.
		{"bus factor: hovering below half holds", join(monthly("a", Volunteer, append(repeat(9, 12), repeat(12, 12)...)...), monthly("b", Volunteer, repeat(6, 24)...), monthly("c", Volunteer, append(repeat(5, 12), repeat(2, 12)...)...)),
			func(h heldSignals) HeldState { return h.BusFactorOne }, true, true},
		{"bus factor: a team releases it", join(monthly("a", Volunteer, append(repeat(5, 12), repeat(12, 12)...)...), monthly("b", Volunteer, repeat(5, 24)...), monthly("c", Volunteer, append(repeat(5, 12), repeat(0, 12)...)...)),
			func(h heldSignals) HeldState { return h.BusFactorOne }, false, true},
		{"bus factor: three commits by three people prove nothing", join(monthly("a", Volunteer, append([]int{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, repeat(8, 12)...)...), monthly("b", Volunteer, 0, 1), monthly("c", Volunteer, 0, 0, 1)),
			func(h heldSignals) HeldState { return h.BusFactorOne }, true, true},
		// 100 a year, then 45: declining; then settled at 45 for a year:
		// the fall is over.
		{"declining: a fall", join(monthly("a", Volunteer, append(repeat(4, 12), repeat(9, 12)...)...)),
			func(h heldSignals) HeldState { return h.Declining }, true, true},
		{"declining: settled at the new level", join(monthly("a", Volunteer, append(repeat(4, 24), repeat(9, 12)...)...)),
			func(h heldSignals) HeldState { return h.Declining }, false, true},
		// Seen at 42% of the year before, then back at 50% (between the
		// thresholds): it holds.
		{"declining: a partial recovery holds it", join(monthly("a", Volunteer, append(append(repeat(12, 3), repeat(2, 9)...), repeat(9, 24)...)...)),
			func(h heldSignals) HeldState { return h.Declining }, true, true},
		{"active: a slower quarter holds it", join(monthly("a", Volunteer, append(repeat(3, 3), repeat(6, 12)...)...)),
			func(h heldSignals) HeldState { return h.Active }, true, true},
		{"active: a quiet quarter releases it", join(monthly("a", Volunteer, append(repeat(1, 3), repeat(6, 12)...)...)),
			func(h heldSignals) HeldState { return h.Active }, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.pick(holdSignals(c.cs, at, true, p))
			if got.On != c.on || got.Judged != c.judged {
				t.Errorf("on %v judged %v (since %v), want on %v judged %v", got.On, got.Judged, got.Since, c.on, c.judged)
			}
			if got.On && got.Since.IsZero() {
				t.Error("on without a since")
			}
		})
	}
}

func TestRiskNeverRaisedByUnavailableSignals(t *testing.T) {
	t.Parallel()
	a := &Analysis{AsOf: at, Windows: []WindowStats{{Window: "recent"}, {Window: "year"}, {Window: "baseline"}}, Lifecycle: Inert}
	r := risk(Facts{}, a, DefaultParams())
	if r.Score != 0 || len(r.Reasons) != 0 {
		t.Errorf("nothing known, yet risk %+v", r)
	}
	for _, id := range []string{"employer_exit", "volunteer_only", "bus_factor_one", "handover", "unresponsive", "release_drought", "backlog_growth"} {
		found := false
		for _, u := range r.Unavailable {
			found = found || u == id
		}
		if !found {
			t.Errorf("%s not reported unavailable", id)
		}
	}
}

func TestRiskIsNoisyOrOfDistinctReasons(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	year := WindowStats{Window: "year", Commits: 100, PaidShare: some(0), BusFactor: some(1), ByClass: map[Class]ClassStats{}}
	on := HeldState{On: true, Judged: true}
	a := &Analysis{AsOf: at, Windows: []WindowStats{{Window: "recent"}, year, {Window: "baseline"}}, Lifecycle: Active,
		ExitsAvailable: true, HandoverAvailable: true, held: heldSignals{VolunteerOnly: on, BusFactorOne: on},
		EmployerExits: []EmployerExit{{Employer: "a", LastActive: at}, {Employer: "b", LastActive: at}}}
	r := risk(Facts{}, a, p)
	want := 1 - (1-p.Weights["employer_exit"])*(1-p.Weights["volunteer_only"])*(1-p.Weights["bus_factor_one"])
	if diff := r.Score - want; diff > 0.001 || diff < -0.001 {
		t.Errorf("score %v, want %v (reasons %+v)", r.Score, want, r.Reasons)
	}
	if r.Score > 1 || r.Score < 0 {
		t.Errorf("score %v outside 0..1", r.Score)
	}
}
