package analysis

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/history"
	"github.com/fundwatch/fundwatch/store"
)

// Timeline attributes each commit once and grows the working-hours habits
// with the instants, instead of analysing every instant from scratch: it
// must say exactly what Analyze says at each instant. DeepSpeech has what
// makes that hard: personal addresses whose habit decides who is a
// volunteer, an affiliation file, an inferred organisation, an exit.
func TestTimelineIsAnalyzeAtEveryInstant(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(*testing.T) (Facts, *People, time.Time, time.Time){"DeepSpeech": deepSpeech, "a habit that changes": changingHabit} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, people, from, to := f(t)
			p := DefaultParams()
			got := Timeline(f, people, from, to, Monthly, p)
			var instants []time.Time
			for at := from; at.Before(to); at = Monthly(at) {
				instants = append(instants, at)
			}
			want := spansOf(append(instants, to), func(at time.Time) *Analysis { return Analyze(f, people, at, p) }, p)
			if len(want) < 3 {
				t.Fatalf("only %d spans: the history does not exercise the timeline", len(want))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Timeline:\n%+v\nAnalyze at every instant:\n%+v", got, want)
			}
		})
	}
}

func deepSpeech(t *testing.T) (Facts, *People, time.Time, time.Time) {
	const dir = "../history/testdata/real/"
	commits, err := history.ReadTSVFile(dir+"mozilla__DeepSpeech.commits.tsv.gz", "mozilla/DeepSpeech")
	if err != nil {
		t.Fatal(err)
	}
	file, err := affiliation.LoadFile(dir + "mozilla__DeepSpeech.affiliations.txt")
	if err != nil {
		t.Fatal(err)
	}
	people := NewPeople([][]store.Commit{commits}, nil, nil, affiliation.NewResolver(affiliation.Options{File: file, Projects: []string{"DeepSpeech"}}))
	return Facts{Repo: "mozilla/DeepSpeech", Commits: commits}, people,
		time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
}

// changingHabit: one person at a personal address, in working hours for a
// year and then in the evenings. Whether the work is a volunteer's or of
// unknown affiliation depends on the habit over the commits analysed so
// far, and the reason's wording with it.
func changingHabit(t *testing.T) (Facts, *People, time.Time, time.Time) {
	start := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC) // a Monday
	var commits []store.Commit
	for d := 0; d < 3*365; d++ {
		day := start.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || d%3 != 0 {
			continue
		}
		hour := 10 // working hours in the first year, evenings after
		if d >= 365 {
			hour = 21
		}
		commits = append(commits, store.Commit{SHA: fmt.Sprint(d), AuthorEmail: "ann@gmail.com", AuthorName: "Ann",
			AuthorTime: day.Add(time.Duration(hour) * time.Hour), AuthorTZKnown: true})
	}
	people := NewPeople([][]store.Commit{commits}, nil, nil, affiliation.NewResolver(affiliation.Options{}))
	return Facts{Repo: "ann/tool", Commits: commits}, people, start.AddDate(1, 0, 0), start.AddDate(3, 0, 0)
}
