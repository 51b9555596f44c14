package analysis

import (
	"slices"
	"sort"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// Span is a stretch of a history during which one signal was in one state:
// on (the reason held), or unavailable (it could not be evaluated). A
// signal that is off is in no span.
type Span struct {
	Signal string `json:"signal"` // a reason id, or "lifecycle"
	// Subject tells apart spans of one signal: the employer of an exit,
	// the state of the lifecycle.
	Subject string    `json:"subject,omitempty"`
	State   string    `json:"state"` // "on" or "unavailable"
	From    time.Time `json:"from"`
	// To is the first instant it no longer held; zero when it still held
	// at the end of the timeline.
	To time.Time `json:"to,omitzero"`
	// Detail is the reason's text at the first instant of the span.
	Detail string `json:"detail,omitempty"`
}

// Span states.
const (
	SpanOn          = "on"
	SpanUnavailable = "unavailable"
)

// Timeline analyses one history at every instant from from up to to (each
// next instant given by step), and at to itself, and returns when each signal turned on and
// off, and when it was unavailable: what "since when?" asks, and what
// shows a signal that flaps. The facts are loaded once; every instant sees
// only what was dated by then.
func Timeline(f Facts, people *People, from, to time.Time, step func(time.Time) time.Time, p *Params) []Span {
	// Sorted once here rather than by every Analyze (a TSV history is
	// newest first).
	f.Commits = slices.Clone(f.Commits)
	slices.SortStableFunc(f.Commits, func(a, b store.Commit) int { return a.AuthorTime.Compare(b.AuthorTime) })
	// Commits without a date are never analysed (Analyze drops them).
	f.Commits = slices.DeleteFunc(f.Commits, func(c store.Commit) bool { return c.AuthorTime.IsZero() })
	var instants []time.Time
	for t := from; t.Before(to); t = step(t) {
		instants = append(instants, t)
	}
	instants = append(instants, to) // the end is always analysed
	// Each commit is attributed once; only the working-hours habits grow
	// with the prefix analysed (instants are in order).
	pre := people.preclassify(f.Commits)
	habits := map[string]*habit{}
	n := 0
	return spansOf(instants, func(t time.Time) *Analysis {
		for n < len(f.Commits) && !f.Commits[n].AuthorTime.After(t) {
			addHabit(habits, pre.base[n])
			n++
		}
		return analyze(f, people, f.Commits[:n], pre.prefix(n, habits), t, p)
	}, p)
}

// spansOf follows the analyses at the instants (in order) into spans.
func spansOf(instants []time.Time, analyzeAt func(time.Time) *Analysis, p *Params) []Span {
	open := map[string]*Span{}
	var done []Span
	key := func(s Span) string { return s.Signal + "\x00" + s.Subject + "\x00" + s.State }
	for _, t := range instants {
		a := analyzeAt(t)
		now := map[string]Span{}
		for _, r := range a.Risk.Reasons {
			s := Span{Signal: r.ID, State: SpanOn, Detail: r.Detail}
			now[key(s)] = s
		}
		// One span per exiting employer: two exits are two stories.
		for _, e := range a.EmployerExits {
			delete(now, key(Span{Signal: "employer_exit", State: SpanOn}))
			s := Span{Signal: "employer_exit", Subject: e.Employer, State: SpanOn, Detail: exitDetail(e, p)}
			now[key(s)] = s
		}
		for _, id := range a.Risk.Unavailable {
			s := Span{Signal: id, State: SpanUnavailable}
			now[key(s)] = s
		}
		lc := Span{Signal: "lifecycle", Subject: string(a.Lifecycle), State: SpanOn}
		now[key(lc)] = lc
		for k, s := range open {
			if _, still := now[k]; !still {
				s.To = t
				done = append(done, *s)
				delete(open, k)
			}
		}
		for k, s := range now {
			if _, already := open[k]; !already {
				s.From = t
				open[k] = &s
			}
		}
	}
	for _, s := range open {
		done = append(done, *s)
	}
	sort.Slice(done, func(i, j int) bool {
		a, b := done[i], done[j]
		if a.Signal != b.Signal {
			return a.Signal < b.Signal
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if !a.From.Equal(b.From) {
			return a.From.Before(b.From)
		}
		return a.State < b.State
	})
	return done
}

// Monthly steps to the first of the next month; Every steps by a fixed
// duration.
func Monthly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()).AddDate(0, 1, 0)
}

// Every returns a step of d.
func Every(d time.Duration) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return t.Add(d) }
}
