package responsiveness

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

const (
	day    = 24 * time.Hour
	window = 90 * day
)

var (
	at   = time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	from = at.Add(-window)
)

// ago is the instant d before at.
func ago(d time.Duration) time.Time { return at.Add(-d) }

func issue(n int, author string, created time.Time) store.Issue {
	return store.Issue{Repo: "o/r", Number: n, Author: author, CreatedAt: created, State: "open"}
}

func pull(n int, author string, created time.Time) store.Issue {
	is := issue(n, author, created)
	is.IsPull = true
	return is
}

func closed(is store.Issue, t time.Time) store.Issue {
	is.State, is.ClosedAt = "closed", t
	return is
}

func merged(is store.Issue, t time.Time) store.Issue {
	is = closed(is, t)
	is.MergedAt = t
	return is
}

func botAuthored(is store.Issue) store.Issue {
	is.AuthorBot = true
	return is
}

var nextID int64

func comment(n int, author string, t time.Time) store.Comment {
	nextID++
	return store.Comment{Repo: "o/r", ID: nextID, IssueNumber: n, Author: author, CreatedAt: t}
}

func na() Value                  { return Value{} }
func val(v float64) Value        { return Value{V: v, OK: true} }
func secs(d time.Duration) Value { return val(d.Seconds()) }

func TestFirstResponse(t *testing.T) {
	created := ago(30 * day)
	cases := []struct {
		name     string
		in       Input
		issues   Value // FirstResponseMedianSeconds
		pulls    Value // FirstResponsePullsMedianSeconds
		ratio    Value
		opened   int
		openedPR int
	}{
		{
			name: "first comment by someone else",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{comment(1, "bob", created.Add(2*time.Hour))}},
			issues: secs(2 * time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "author's own comments ignored, any letter case",
			in: Input{Issues: []store.Issue{issue(1, "Alice", created)},
				Comments: []store.Comment{
					comment(1, "Alice", created.Add(time.Minute)),
					comment(1, "alice", created.Add(time.Hour)),
					comment(1, "bob", created.Add(3*time.Hour)),
				}},
			issues: secs(3 * time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "bot comments ignored: [bot] login, bot account type",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{
					comment(1, "dependabot[bot]", created.Add(time.Minute)),
					comment(1, "Stale[Bot]", created.Add(2*time.Minute)),
					func() store.Comment {
						c := comment(1, "ci-helper", created.Add(3*time.Minute))
						c.AuthorBot = true
						return c
					}(),
					comment(1, "bob", created.Add(5*time.Hour)),
				}},
			issues: secs(5 * time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "bot comments ignored: the caller's IsBot",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{
					comment(1, "k8s-ci-robot", created.Add(time.Minute)),
					comment(1, "bob", created.Add(4*time.Hour)),
				},
				IsBot: func(l string) bool { return l == "k8s-ci-robot" }},
			issues: secs(4 * time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "comments without an author (deleted account) ignored",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{
					comment(1, "", created.Add(time.Minute)),
					comment(1, "bob", created.Add(6*time.Hour)),
				}},
			issues: secs(6 * time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "the earliest response wins whatever the comment order",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{
					comment(1, "carol", created.Add(9*time.Hour)),
					comment(1, "bob", created.Add(1*time.Hour)),
					comment(1, "dave", created.Add(5*time.Hour)),
				}},
			issues: secs(time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "only the author and bots spoke: unanswered, censored at its age",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{
					comment(1, "alice", created.Add(time.Hour)),
					comment(1, "renovate[bot]", created.Add(time.Hour)),
				}},
			issues: secs(30 * day), pulls: na(), ratio: val(1), opened: 1,
		},
		{
			name: "comments on other issues do not answer this one",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{comment(2, "bob", created.Add(time.Hour))}},
			issues: secs(30 * day), pulls: na(), ratio: val(1), opened: 1,
		},
		{
			name: "a comment dated before its issue (clock skew) is a zero wait",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{comment(1, "bob", created.Add(-time.Minute))}},
			issues: val(0), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "issues opened by bots are left out",
			in: Input{Issues: []store.Issue{
				issue(1, "renovate[bot]", created),
				botAuthored(issue(2, "some-app", created)),
				issue(3, "alice", created),
			},
				Comments: []store.Comment{comment(3, "bob", created.Add(time.Hour))}},
			issues: secs(time.Hour), pulls: na(), ratio: val(0), opened: 1,
		},
		{
			name: "a pull request's merge answers it when earlier than any comment",
			in: Input{Issues: []store.Issue{merged(pull(1, "alice", created), created.Add(2*time.Hour))},
				Comments: []store.Comment{comment(1, "bob", created.Add(3*time.Hour))}},
			issues: na(), pulls: secs(2 * time.Hour), ratio: val(0), openedPR: 1,
		},
		{
			name: "a pull request's comment answers it when earlier than the merge",
			in: Input{Issues: []store.Issue{merged(pull(1, "alice", created), created.Add(2*time.Hour))},
				Comments: []store.Comment{comment(1, "bob", created.Add(time.Hour))}},
			issues: na(), pulls: secs(time.Hour), ratio: val(0), openedPR: 1,
		},
		{
			name:   "a self-merged pull request without comments is answered by the merge",
			in:     Input{Issues: []store.Issue{merged(pull(1, "alice", created), created.Add(day))}},
			issues: na(), pulls: secs(day), ratio: val(0), openedPR: 1,
		},
		{
			name:   "closing an issue without a comment is no response",
			in:     Input{Issues: []store.Issue{closed(issue(1, "alice", created), created.Add(day))}},
			issues: secs(30 * day), pulls: na(), ratio: val(1), opened: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(c.in, at, window)
			if s.FirstResponseMedianSeconds != c.issues {
				t.Errorf("issues median = %+v, want %+v", s.FirstResponseMedianSeconds, c.issues)
			}
			if s.FirstResponsePullsMedianSeconds != c.pulls {
				t.Errorf("pulls median = %+v, want %+v", s.FirstResponsePullsMedianSeconds, c.pulls)
			}
			if s.UnansweredRatio != c.ratio {
				t.Errorf("unanswered ratio = %+v, want %+v", s.UnansweredRatio, c.ratio)
			}
			if s.Opened != c.opened || s.OpenedPulls != c.openedPR {
				t.Errorf("opened = %d issues, %d pulls; want %d, %d", s.Opened, s.OpenedPulls, c.opened, c.openedPR)
			}
		})
	}
}

// As of at: comments, merges and closes after it have not happened yet.
func TestAsOf(t *testing.T) {
	created := ago(20 * day)
	cases := []struct {
		name    string
		in      Input
		issues  Value
		pulls   Value
		ratio   Value
		merge   Value
		backlog int
	}{
		{
			name: "a comment after at is ignored",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{comment(1, "bob", at.Add(time.Second))}},
			issues: secs(20 * day), pulls: na(), ratio: val(1), merge: na(), backlog: 1,
		},
		{
			name: "a comment exactly at at counts",
			in: Input{Issues: []store.Issue{issue(1, "alice", created)},
				Comments: []store.Comment{comment(1, "bob", at)}},
			issues: secs(20 * day), pulls: na(), ratio: val(0), merge: na(), backlog: 1,
		},
		{
			name:   "a merge after at is neither a response nor a merge, and the PR is open",
			in:     Input{Issues: []store.Issue{merged(pull(1, "alice", created), at.Add(time.Hour))}},
			issues: na(), pulls: secs(20 * day), ratio: val(1), merge: na(), backlog: 1,
		},
		{
			name: "an issue opened after at does not exist yet",
			in: Input{Issues: []store.Issue{issue(1, "alice", at.Add(time.Second))},
				Comments: []store.Comment{comment(1, "bob", at.Add(time.Hour))}},
			issues: na(), pulls: na(), ratio: na(), merge: na(), backlog: 0,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(c.in, at, window)
			if s.FirstResponseMedianSeconds != c.issues {
				t.Errorf("issues median = %+v, want %+v", s.FirstResponseMedianSeconds, c.issues)
			}
			if s.FirstResponsePullsMedianSeconds != c.pulls {
				t.Errorf("pulls median = %+v, want %+v", s.FirstResponsePullsMedianSeconds, c.pulls)
			}
			if s.UnansweredRatio != c.ratio {
				t.Errorf("unanswered ratio = %+v, want %+v", s.UnansweredRatio, c.ratio)
			}
			if s.MergeLatencyMedianSeconds != c.merge {
				t.Errorf("merge latency = %+v, want %+v", s.MergeLatencyMedianSeconds, c.merge)
			}
			if s.Backlog != c.backlog {
				t.Errorf("backlog = %d, want %d", s.Backlog, c.backlog)
			}
		})
	}
}

// The window (at-window, at] applies to when an issue was opened.
func TestWindowEdges(t *testing.T) {
	cases := []struct {
		name    string
		created time.Time
		answer  time.Duration // after created; 0: none
		in      bool
		median  Value
	}{
		{name: "opened exactly at at-window: outside", created: from, answer: time.Hour, in: false, median: na()},
		{name: "opened just after at-window: inside", created: from.Add(time.Nanosecond), answer: time.Hour, in: true, median: secs(time.Hour)},
		{name: "opened before the window: outside", created: from.Add(-day), answer: time.Hour, in: false, median: na()},
		{name: "opened just before at, answered: inside but too young to judge", created: ago(time.Hour), answer: time.Minute, in: true, median: na()},
		{name: "opened exactly at at: inside but too young to judge", created: at, in: true, median: na()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Issues: []store.Issue{issue(1, "alice", c.created)}}
			if c.answer > 0 {
				in.Comments = []store.Comment{comment(1, "bob", c.created.Add(c.answer))}
			}
			s := Compute(in, at, window)
			want := 0
			if c.in {
				want = 1
			}
			if s.Opened != want {
				t.Errorf("opened = %d, want %d", s.Opened, want)
			}
			if s.FirstResponseMedianSeconds != c.median {
				t.Errorf("median = %+v, want %+v", s.FirstResponseMedianSeconds, c.median)
			}
			if s.Backlog != 1 {
				t.Errorf("backlog = %d, want 1 (opened by at, never closed)", s.Backlog)
			}
		})
	}
}

func TestGrace(t *testing.T) {
	cases := []struct {
		name   string
		in     Input
		median Value
		ratio  Value
	}{
		{
			name:   "unanswered just younger than Grace: not judged",
			in:     Input{Issues: []store.Issue{issue(1, "alice", ago(Grace-time.Second))}},
			median: na(), ratio: na(),
		},
		{
			name:   "unanswered exactly Grace old: unanswered",
			in:     Input{Issues: []store.Issue{issue(1, "alice", ago(Grace))}},
			median: secs(Grace), ratio: val(1),
		},
		{
			name: "young unanswered does not dilute an old answered one",
			in: Input{Issues: []store.Issue{issue(1, "alice", ago(30*day)), issue(2, "carol", ago(day))},
				Comments: []store.Comment{comment(1, "bob", ago(30*day).Add(time.Hour))}},
			median: secs(time.Hour), ratio: val(0),
		},
		{
			// Counting young issues only when answered quickly would
			// flatter both figures: two of the three judged issues
			// are unanswered, whatever happened this week.
			name: "young answered issues are not judged either",
			in: Input{Issues: []store.Issue{
				issue(1, "alice", ago(60*day)), issue(2, "alice", ago(40*day)), issue(3, "alice", ago(30*day)),
				issue(4, "carol", ago(day)), issue(5, "carol", ago(2*day)), issue(6, "carol", ago(3*day)),
			}, Comments: []store.Comment{
				comment(3, "bob", ago(30*day).Add(day)),
				comment(4, "bob", ago(day).Add(time.Minute)),
				comment(5, "bob", ago(2*day).Add(time.Minute)),
				comment(6, "bob", ago(3*day).Add(time.Minute)),
			}},
			median: secs(40 * day), ratio: val(2.0 / 3),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(c.in, at, window)
			if s.FirstResponseMedianSeconds != c.median {
				t.Errorf("median = %+v, want %+v", s.FirstResponseMedianSeconds, c.median)
			}
			if s.UnansweredRatio != c.ratio {
				t.Errorf("ratio = %+v, want %+v", s.UnansweredRatio, c.ratio)
			}
		})
	}
}

func TestCensoredMedian(t *testing.T) {
	// answered: waits; unanswered: ages at at. Every issue is older than Grace.
	type item struct {
		age  time.Duration
		wait time.Duration // 0: unanswered
	}
	cases := []struct {
		name   string
		items  []item
		median Value
		ratio  Value
	}{
		{
			name:   "all answered: the plain median",
			items:  []item{{30 * day, time.Hour}, {40 * day, 3 * time.Hour}, {50 * day, 2 * day}},
			median: secs(3 * time.Hour), ratio: val(0),
		},
		{
			name:   "all answered, even count: mean of the middle two",
			items:  []item{{30 * day, time.Hour}, {40 * day, 3 * time.Hour}, {50 * day, 5 * time.Hour}, {60 * day, 2 * day}},
			median: secs(4 * time.Hour), ratio: val(0),
		},
		{
			name:   "a minority unanswered, older than the median: the exact median",
			items:  []item{{30 * day, time.Hour}, {40 * day, 3 * time.Hour}, {50 * day, 0}},
			median: secs(3 * time.Hour), ratio: val(1.0 / 3),
		},
		{
			name:   "more than half unanswered: at least the age of an unanswered issue, never the small answered wait",
			items:  []item{{30 * day, time.Hour}, {20 * day, 0}, {60 * day, 0}},
			median: secs(20 * day), ratio: val(2.0 / 3),
		},
		{
			name:   "all unanswered: the median age",
			items:  []item{{10 * day, 0}, {20 * day, 0}, {80 * day, 0}},
			median: secs(20 * day), ratio: val(1),
		},
		{
			name:   "exactly half unanswered: a lower bound between the wait and the age",
			items:  []item{{30 * day, 2 * day}, {10 * day, 0}},
			median: secs(6 * day), ratio: val(0.5),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var in Input
			for i, it := range c.items {
				created := ago(it.age)
				in.Issues = append(in.Issues, issue(i+1, "alice", created))
				if it.wait > 0 {
					in.Comments = append(in.Comments, comment(i+1, "bob", created.Add(it.wait)))
				}
			}
			s := Compute(in, at, window)
			if s.FirstResponseMedianSeconds != c.median {
				t.Errorf("median = %v days, want %v days (%+v, %+v)",
					s.FirstResponseMedianSeconds.V/day.Seconds(), c.median.V/day.Seconds(), s.FirstResponseMedianSeconds, c.median)
			}
			if s.UnansweredRatio != c.ratio {
				t.Errorf("ratio = %+v, want %+v", s.UnansweredRatio, c.ratio)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	cases := []struct {
		name string
		in   Input
	}{
		{name: "no issues at all", in: Input{}},
		{name: "only issues opened before the window", in: Input{
			Issues:   []store.Issue{issue(1, "alice", ago(200*day)), closed(issue(2, "alice", ago(300*day)), ago(250*day))},
			Comments: []store.Comment{comment(1, "bob", ago(199*day))},
		}},
		{name: "only bot issues in the window", in: Input{
			Issues: []store.Issue{issue(1, "dependabot[bot]", ago(30*day)), botAuthored(issue(2, "app", ago(30*day)))},
		}},
		{name: "only issues opened after at", in: Input{Issues: []store.Issue{issue(1, "alice", at.Add(day))}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(c.in, at, window)
			for name, v := range map[string]Value{
				"first response":       s.FirstResponseMedianSeconds,
				"first response pulls": s.FirstResponsePullsMedianSeconds,
				"unanswered ratio":     s.UnansweredRatio,
				"merge latency":        s.MergeLatencyMedianSeconds,
			} {
				if v != na() {
					t.Errorf("%s = %+v, want unavailable", name, v)
				}
			}
			if s.Opened != 0 || s.OpenedPulls != 0 {
				t.Errorf("opened = %d, %d; want 0, 0", s.Opened, s.OpenedPulls)
			}
		})
	}
}

// Issues and pull requests have medians of their own; the unanswered
// ratio covers both.
func TestKinds(t *testing.T) {
	in := Input{
		Issues: []store.Issue{
			issue(1, "alice", ago(30*day)),
			issue(2, "alice", ago(30*day)),
			pull(3, "carol", ago(20*day)),
			pull(4, "carol", ago(10*day)),
			pull(5, "carol", ago(50*day)),
		},
		Comments: []store.Comment{
			comment(1, "bob", ago(30*day).Add(time.Hour)),
			comment(2, "bob", ago(30*day).Add(3*time.Hour)),
			comment(3, "bob", ago(20*day).Add(2*day)),
		},
	}
	s := Compute(in, at, window)
	if s.Opened != 2 || s.OpenedPulls != 3 {
		t.Errorf("opened = %d issues, %d pulls; want 2, 3", s.Opened, s.OpenedPulls)
	}
	if want := secs(2 * time.Hour); s.FirstResponseMedianSeconds != want {
		t.Errorf("issues median = %+v, want %+v (pull requests must not count)", s.FirstResponseMedianSeconds, want)
	}
	// Pulls: 2 days answered, 10 and 50 days unanswered: censored median 10 days.
	if want := secs(10 * day); s.FirstResponsePullsMedianSeconds != want {
		t.Errorf("pulls median = %+v, want %+v (unanswered pulls censored at their age)", s.FirstResponsePullsMedianSeconds, want)
	}
	if want := val(2.0 / 5); s.UnansweredRatio != want {
		t.Errorf("unanswered ratio = %+v, want %+v", s.UnansweredRatio, want)
	}
}

func TestMergeLatency(t *testing.T) {
	cases := []struct {
		name   string
		issues []store.Issue
		want   Value
	}{
		{
			name: "only merged pull requests",
			issues: []store.Issue{
				merged(pull(1, "alice", ago(30*day)), ago(28*day)),                      // 2 days
				merged(pull(2, "alice", ago(30*day)), ago(26*day)),                      // 4 days
				closed(pull(3, "alice", ago(80*day)), ago(day)),                         // closed unmerged
				pull(4, "alice", ago(80*day)),                                           // open
				closed(issue(5, "alice", ago(80*day)), ago(day)),                        // issue
				merged(pull(6, "alice", ago(30*day)), ago(20*day)),                      // 10 days
				merged(botAuthored(pull(7, "bot", ago(30*day))), ago(30*day-time.Hour)), // 1 hour: bots' PRs count
			},
			want: secs(3 * day),
		},
		{
			name:   "merged in the window, opened before it",
			issues: []store.Issue{merged(pull(1, "alice", ago(200*day)), ago(10*day))},
			want:   secs(190 * day),
		},
		{
			name:   "merged exactly at at-window: outside",
			issues: []store.Issue{merged(pull(1, "alice", ago(200*day)), from)},
			want:   na(),
		},
		{
			name:   "merged exactly at at: inside",
			issues: []store.Issue{merged(pull(1, "alice", ago(2*day)), at)},
			want:   secs(2 * day),
		},
		{
			name:   "merged after at: not yet",
			issues: []store.Issue{merged(pull(1, "alice", ago(2*day)), at.Add(time.Second))},
			want:   na(),
		},
		{
			name:   "no merges: unavailable",
			issues: []store.Issue{pull(1, "alice", ago(2*day)), closed(pull(2, "alice", ago(20*day)), ago(day))},
			want:   na(),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(Input{Issues: c.issues}, at, window)
			if s.MergeLatencyMedianSeconds != c.want {
				t.Errorf("merge latency = %+v, want %+v", s.MergeLatencyMedianSeconds, c.want)
			}
		})
	}
}

func TestBacklog(t *testing.T) {
	cases := []struct {
		name            string
		issues          []store.Issue
		backlog, before int
		growth          Value
	}{
		{
			name: "open at at, issues and pull requests, bots' too",
			issues: []store.Issue{
				issue(1, "alice", ago(200*day)),
				pull(2, "alice", ago(10*day)),
				issue(3, "renovate[bot]", ago(10*day)),
			},
			backlog: 3, before: 1, growth: val(2),
		},
		{
			name: "closed after at counts as open at at",
			issues: []store.Issue{
				closed(issue(1, "alice", ago(200*day)), at.Add(time.Second)),
				merged(pull(2, "alice", ago(200*day)), at.Add(day)),
			},
			backlog: 2, before: 2, growth: val(0),
		},
		{
			name: "closed exactly at at is closed",
			issues: []store.Issue{
				closed(issue(1, "alice", ago(200*day)), at),
				issue(2, "alice", ago(200*day)),
			},
			backlog: 1, before: 2, growth: val(-0.5),
		},
		{
			name: "opened after at does not count",
			issues: []store.Issue{
				issue(1, "alice", at.Add(time.Second)),
				issue(2, "alice", ago(200*day)),
			},
			backlog: 1, before: 1, growth: val(0),
		},
		{
			name: "the backlog before is the one at at-window",
			issues: []store.Issue{
				issue(1, "alice", from),                                      // opened exactly then: open then
				closed(issue(2, "alice", ago(200*day)), from),                // closed exactly then: closed then
				closed(issue(3, "alice", ago(200*day)), from.Add(time.Hour)), // closed later: open then
				issue(4, "alice", from.Add(time.Second)),                     // opened later
				closed(issue(5, "alice", ago(300*day)), ago(250*day)),        // long closed
			},
			backlog: 2, before: 2, growth: val(0),
		},
		{
			name: "grew by half",
			issues: []store.Issue{
				issue(1, "alice", ago(200*day)), issue(2, "alice", ago(200*day)),
				issue(3, "alice", ago(10*day)),
			},
			backlog: 3, before: 2, growth: val(0.5),
		},
		{
			name: "nothing open at at-window, some now: growth unavailable",
			issues: []store.Issue{
				closed(issue(1, "alice", ago(300*day)), ago(200*day)),
				issue(2, "alice", ago(10*day)),
			},
			backlog: 1, before: 0, growth: na(),
		},
		{
			name: "nothing open then nor now: growth unavailable",
			issues: []store.Issue{
				closed(issue(1, "alice", ago(300*day)), ago(200*day)),
				closed(issue(2, "alice", ago(10*day)), ago(5*day)),
			},
			backlog: 0, before: 0, growth: na(),
		},
		{
			name:    "no issues: growth unavailable",
			backlog: 0, before: 0, growth: na(),
		},
		{
			name:    "all closed by at: a backlog cleared is -100%",
			issues:  []store.Issue{closed(issue(1, "alice", ago(300*day)), ago(day))},
			backlog: 0, before: 1, growth: val(-1),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Compute(Input{Issues: c.issues}, at, window)
			if s.Backlog != c.backlog || s.BacklogBefore != c.before {
				t.Errorf("backlog = %d (before %d), want %d (before %d)", s.Backlog, s.BacklogBefore, c.backlog, c.before)
			}
			if s.BacklogGrowth != c.growth {
				t.Errorf("growth = %+v, want %+v", s.BacklogGrowth, c.growth)
			}
		})
	}

	t.Run("a year window compares with a year earlier", func(t *testing.T) {
		issues := []store.Issue{
			issue(1, "alice", ago(500*day)),
			closed(issue(2, "alice", ago(400*day)), ago(100*day)),
			issue(3, "alice", ago(200*day)),
			issue(4, "alice", ago(10*day)),
		}
		s := Compute(Input{Issues: issues}, at, 365*day)
		if s.Backlog != 3 || s.BacklogBefore != 2 || s.BacklogGrowth != val(0.5) {
			t.Errorf("backlog %d, before %d, growth %+v; want 3, 2, 0.5", s.Backlog, s.BacklogBefore, s.BacklogGrowth)
		}
	})
}

func TestReleases(t *testing.T) {
	rel := func(published time.Time) store.Release {
		return store.Release{Repo: "o/r", TagName: published.Format("v2006.01.02"), CreatedAt: published, PublishedAt: published}
	}
	draft := rel(ago(day))
	draft.Draft, draft.PublishedAt = true, time.Time{}
	pre := rel(ago(10 * day))
	pre.Prerelease = true
	unpublished := rel(time.Time{})
	unpublished.CreatedAt = ago(50 * day) // no publish date: its creation date
	in := Input{Releases: []store.Release{
		rel(ago(1000 * day)),
		rel(ago(800 * day)), // the gap ending here ended over two years ago
		rel(ago(600 * day)),
		rel(ago(100 * day)),
		unpublished,
		pre,
		draft,
		rel(at.Add(day)), // not yet
	}}
	s := Compute(in, at, window)
	if s.ReleasesInWindow != 2 {
		t.Errorf("releases in window = %d, want 2 (the prerelease and the one without a publish date)", s.ReleasesInWindow)
	}
	if !s.LastRelease.Equal(ago(10 * day)) {
		t.Errorf("last release = %v, want %v", s.LastRelease, ago(10*day))
	}
	// Gaps ending in the last two years: 200, 500, 50, 40 days.
	if want := secs(125 * day); s.ReleaseCadenceMedianSeconds != want {
		t.Errorf("cadence = %+v, want %+v", s.ReleaseCadenceMedianSeconds, want)
	}
	if s := Compute(Input{Releases: []store.Release{rel(ago(day))}}, at, window); s.ReleaseCadenceMedianSeconds != na() {
		t.Errorf("one release: cadence = %+v, want unavailable", s.ReleaseCadenceMedianSeconds)
	}
}

// The same facts in any order give the same stats.
func TestDeterministic(t *testing.T) {
	var in Input
	for n := 1; n <= 40; n++ {
		created := ago(time.Duration(n*5) * day)
		var is store.Issue
		if n%3 == 0 {
			is = pull(n, "alice", created)
		} else {
			is = issue(n, "alice", created)
		}
		switch n % 5 {
		case 0:
			is = closed(is, created.Add(time.Duration(n)*time.Hour))
		case 1:
			if is.IsPull {
				is = merged(is, created.Add(time.Duration(n)*time.Hour))
			}
		}
		in.Issues = append(in.Issues, is)
		if n%4 != 0 {
			in.Comments = append(in.Comments,
				comment(n, "bob", created.Add(time.Duration(n%7+1)*time.Hour)),
				comment(n, "carol", created.Add(time.Duration(n%5+1)*time.Hour)),
				comment(n, "alice", created.Add(time.Minute)))
		}
		in.Releases = append(in.Releases, store.Release{Repo: "o/r", PublishedAt: created})
	}
	want := Compute(in, at, window)
	if !want.FirstResponseMedianSeconds.OK || !want.MergeLatencyMedianSeconds.OK || !want.BacklogGrowth.OK {
		t.Fatalf("fixture too thin: %+v", want)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		sh := Input{
			Issues:   append([]store.Issue(nil), in.Issues...),
			Comments: append([]store.Comment(nil), in.Comments...),
			Releases: append([]store.Release(nil), in.Releases...),
		}
		rng.Shuffle(len(sh.Issues), func(a, b int) { sh.Issues[a], sh.Issues[b] = sh.Issues[b], sh.Issues[a] })
		rng.Shuffle(len(sh.Comments), func(a, b int) { sh.Comments[a], sh.Comments[b] = sh.Comments[b], sh.Comments[a] })
		rng.Shuffle(len(sh.Releases), func(a, b int) { sh.Releases[a], sh.Releases[b] = sh.Releases[b], sh.Releases[a] })
		if got := Compute(sh, at, window); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// The default bot test is on the login's "[bot]" suffix, any case.
func TestDefaultIsBot(t *testing.T) {
	for _, login := range []string{"dependabot[bot]", "GitHub-Actions[BOT]"} {
		in := Input{Issues: []store.Issue{issue(1, "alice", ago(30*day))},
			Comments: []store.Comment{comment(1, login, ago(29*day))}}
		if s := Compute(in, at, window); s.UnansweredRatio != val(1) {
			t.Errorf("%s answered the issue: ratio %+v", login, s.UnansweredRatio)
		}
	}
	in := Input{Issues: []store.Issue{issue(1, "alice", ago(30*day))},
		Comments: []store.Comment{comment(1, "robot", ago(29*day))}}
	if s := Compute(in, at, window); s.UnansweredRatio != val(0) {
		t.Errorf("a human login ending in bot-like letters was taken for a bot: ratio %+v", s.UnansweredRatio)
	}
}

// Issues and comments collected from an instant on (a first sync's floor)
// answer for windows that start at or after it, exactly as the whole
// history would; a window starting before it has no issue figures at all
// (not figures from part of its issues), and its releases all the same.
func TestFloor(t *testing.T) {
	rel := store.Release{Repo: "o/r", TagName: "v1", CreatedAt: ago(20 * day), PublishedAt: ago(20 * day)}
	in := Input{
		Issues: []store.Issue{
			issue(1, "alice", ago(400*day)), // open since before the floor: in the backlog
			closed(issue(2, "alice", ago(60*day)), ago(50*day)),
			issue(3, "carol", ago(30*day)),
			merged(pull(4, "carol", ago(20*day)), ago(19*day)),
		},
		Comments: []store.Comment{comment(2, "bob", ago(59*day)), comment(3, "bob", ago(28*day))},
		Releases: []store.Release{rel},
	}
	whole := Compute(in, at, window)
	if !whole.IssuesKnown || !whole.FirstResponseMedianSeconds.OK || whole.Backlog != 2 {
		t.Fatalf("whole history: %+v", whole)
	}
	cases := []struct {
		name  string
		floor time.Time
		known bool
	}{
		{"the whole history", time.Time{}, true},
		{"from long before the window", ago(200 * day), true},
		{"from the window's start", from, true},
		{"from a second after it", from.Add(time.Second), false},
		{"from inside the window", ago(30 * day), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := in
			in.From = c.floor
			s := Compute(in, at, window)
			if c.known {
				if !reflect.DeepEqual(s, whole) {
					t.Errorf("from %s: %+v, want the whole history's %+v", c.floor, s, whole)
				}
				return
			}
			want := Stats{Window: window, ReleasesInWindow: 1, LastRelease: rel.PublishedAt}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("from %s: %+v, want no issue figure, the releases %+v", c.floor, s, want)
			}
		})
	}
}
