package metrics

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

// gatherText is the exposition the way it was made before text.go: a
// registry gather of c, each family through expfmt's text encoder. The
// direct writer must give exactly these bytes.
func gatherText(c prometheus.Collector) ([]byte, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	var text bytes.Buffer
	enc := expfmt.NewEncoder(&text, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	return text.Bytes(), nil
}

// served is the snapshot's prepared text, whole.
func served(s *Snapshot) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return bytes.Join(s.enc.text, nil)
}

// demoSnapshot is the analysis snapshot of the demo world, built from the
// world's facts directly (as the collectors would have stored them) rather
// than through the fake server, so that this package's tests need only the
// scenario. A few repositories are made gone, renamed or failing, so every
// family the exporter has appears.
func demoSnapshot(t testing.TB) *analysis.Snapshot {
	t.Helper()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	var users []store.User
	sponsors := map[string]analysis.SponsorFacts{}
	for _, u := range w.Users {
		users = append(users, store.User{Login: u.Login, GitHubID: u.ID, Type: u.Type, Name: u.Name, Company: u.Company,
			Email: u.Email, Location: u.Location, Blog: u.Blog, CreatedAt: u.CreatedAt, Orgs: u.Orgs})
		if sp := u.Sponsors; sp != nil {
			f := analysis.SponsorFacts{Login: u.Login, HasListing: sp.HasListing, Sponsors: sp.Total()}
			if sp.Goal != nil {
				f.GoalKind, f.GoalTarget, f.GoalPercent = sp.Goal.Kind, sp.Goal.TargetValue, float64(sp.Goal.PercentComplete)
			}
			sponsors[strings.ToLower(u.Login)] = f
		}
	}
	isBot := func(login string) bool { return w.Users[login] != nil && w.Users[login].Type == "Bot" }
	var facts []analysis.Facts
	var all [][]store.Commit
	var projects []string
	for _, r := range w.Repos {
		name := r.FullName()
		f := analysis.Facts{Repo: name, Tier: r.Truth.Tier, IssuesCollected: true, ReleasesCollected: true, Sponsors: sponsors,
			Meta: &store.Repo{FullName: name, GitHubID: r.ID, Description: r.Description, Stars: r.Stars, Forks: r.Forks,
				Watchers: r.Watchers, Archived: r.Archived, Fork: r.Fork, DefaultBranch: r.DefaultBranch, License: r.License,
				OwnerType: w.Users[r.Owner].Type, Language: r.Language, CreatedAt: r.CreatedAt, FundingYML: r.FundingYML,
				HasFundingYML: r.FundingYML != ""}}
		for _, c := range r.Commits {
			if c.AuthorDate.After(end) {
				continue
			}
			_, offset := c.AuthorDate.Zone()
			f.Commits = append(f.Commits, store.Commit{Repo: name, SHA: c.SHA, AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
				AuthorLogin: c.AuthorLogin, AuthorTime: c.AuthorDate, AuthorTZKnown: true, AuthorTZOffset: offset / 60,
				CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail, CommitterLogin: c.CommitterLogin,
				CommitterTime: c.CommitterDate, Parents: len(c.Parents), Message: c.Message, AuthorBot: isBot(c.AuthorLogin)})
			f.Meta.PushedAt = c.CommitterDate
		}
		for _, i := range r.Issues {
			is := store.Issue{Repo: name, Number: i.Number, IsPull: i.IsPull, Title: i.Title, Author: i.User, AuthorBot: isBot(i.User),
				State: "open", CreatedAt: i.CreatedAt, ClosedAt: i.ClosedAt, MergedAt: i.MergedAt}
			if !i.ClosedAt.IsZero() {
				is.State = "closed"
			} else {
				f.Meta.OpenIssues++
			}
			f.Issues = append(f.Issues, is)
		}
		for _, c := range r.Comments {
			f.Comments = append(f.Comments, store.Comment{Repo: name, ID: c.ID, IssueNumber: c.IssueNumber, Author: c.User,
				AuthorBot: isBot(c.User), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
		}
		for _, rel := range r.Releases {
			f.Releases = append(f.Releases, store.Release{Repo: name, ID: rel.ID, TagName: rel.TagName, Name: rel.Name, Author: rel.Author,
				Draft: rel.Draft, Prerelease: rel.Prerelease, CreatedAt: rel.CreatedAt, PublishedAt: rel.PublishedAt})
		}
		facts = append(facts, f)
		all = append(all, f.Commits)
		projects = append(projects, r.Name)
	}
	people := analysis.NewPeople(all, users, nil, affiliation.NewResolver(affiliation.Options{Projects: projects}))
	snap := &analysis.Snapshot{At: end, Took: 1500 * time.Millisecond,
		Runs: []store.Run{{Collector: "commits", Finished: end.Add(-time.Hour), OK: true}, {Collector: "issues", Finished: end.Add(-time.Hour), Error: "boom"}}}
	for i, f := range facts {
		if i == 0 {
			f.Grants = []analysis.Grant{{Repo: f.Repo, Funder: "Sovereign Tech Fund", AmountUSD: 125000.5, Date: end.AddDate(0, -3, 0)}}
		}
		r := analysis.Repo{Target: analysis.Target{Repo: f.Repo, Tier: f.Tier, Owner: "team-" + string(rune('a'+i%3))},
			Collected: true, Meta: *f.Meta, CommitsCollected: true, Analysis: analysis.Analyze(f, people, end, analysis.DefaultParams()),
			Status: []store.RepoStatus{{Repo: f.Repo, Collector: "commits", LastAttempt: end, LastSuccess: end},
				{Repo: f.Repo, Collector: "issues", LastAttempt: end, LastSuccess: end.Add(-time.Duration(i) * time.Hour)}},
			State: store.RepoState{Repo: f.Repo}}
		switch i {
		case 1:
			r.Status[1].LastError = "HTTP 502"
		case 2:
			r.State.Gone, r.State.GoneSince = store.GoneNotFound, end.Add(-48*time.Hour)
		case 3:
			r.State.RenamedTo = f.Repo + "-ng"
		}
		snap.Repos = append(snap.Repos, r)
	}
	// One watched but never collected, and one not even tried.
	snap.Repos = append(snap.Repos,
		analysis.Repo{Target: analysis.Target{Repo: "gone/away"},
			Status: []store.RepoStatus{{Repo: "gone/away", Collector: "repo", LastAttempt: end, LastError: "404"}}},
		analysis.Repo{Target: analysis.Target{Repo: "new/one", Tier: "critical"}})
	return snap
}

// edgeSnapshot has what a writer of the text format can get wrong: label
// values that need escaping or sort differently escaped than raw, UTF-8,
// and floats at the edges of formatting.
func edgeSnapshot() *analysis.Snapshot {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	inputs := map[string]float64{
		"nan": math.NaN(), "+inf": math.Inf(1), "-inf": math.Inf(-1), "zero": 0, "negative zero": math.Copysign(0, -1),
		"one": 1, "minus one": -1, "large": 1e300, "max": math.MaxFloat64, "smallest": 5e-324,
		"smallest normal": -2.2250738585072014e-308, "small": 1e-7, "tenth": 0.1, "third": 1.0 / 3,
		"big int": 123456789012345678, "1e20": 1e20, "1e21": 1e21, "1e-4": 1e-4, "1e-5": 1e-5, "timestamp": 1793491200.123456,
		// Label values: escaped, and ones whose raw and escaped orders differ.
		`quote "q"`: 2, `back\slash`: 3, "new\nline": 4, "tab\there": 5, "a": 6, "a b": 7, "a\"": 8, "a\\": 9, "a!": 10,
		"ünïcødé 日本語 🙂": 11, "": 12, "nul\x00byte": 13, "crlf\r\n": 14,
	}
	a := &analysis.Analysis{
		Windows:     []analysis.WindowStats{{Window: "recent", Commits: 3, Authors: 2, Employers: []analysis.EmployerShare{{Employer: `Acme "Corp"`, Share: 2.0 / 3}, {Employer: "Ünï\\versity\n", Share: 1.0 / 3}}}},
		Lifecycle:   analysis.Active,
		Risk:        analysis.Risk{Score: math.NaN()},
		Gap:         analysis.Gap{Score: math.Inf(1)},
		Criticality: analysis.Criticality{Inputs: inputs},
	}
	repo := func(name, tier, owner string) analysis.Repo {
		return analysis.Repo{Target: analysis.Target{Repo: name, Tier: tier, Owner: owner}, Collected: true, CommitsCollected: true,
			Meta: store.Repo{Stars: -1, Forks: 1 << 53, PushedAt: at}, Analysis: a,
			Status: []store.RepoStatus{{Repo: name, Collector: "commits", LastAttempt: at, LastSuccess: at}}}
	}
	return &analysis.Snapshot{At: at, Took: 3 * time.Nanosecond, Repos: []analysis.Repo{
		repo(`o/"quoted"`, `tier\1`, "line\nbreak"),
		repo("o/ünï", "crïtical", "日本"),
		repo("o/a", "", ""),
		repo("o/a b", "", ""),
		repo("o/a\"", "", ""),
		repo("o/a\\", "", ""),
	}}
}

// The text written directly is byte for byte what a registry gather and
// expfmt write for the same snapshot: the demo world, the edge cases, the
// watch list, and with families that have no series.
func TestTextMatchesGather(t *testing.T) {
	t.Parallel()
	demo := demoSnapshot(t)
	watch := map[string][]string{
		"gomod:go.mod":          {"modernc.org/sqlite", `we"ird\dep`, "ünï.example/x"},
		"npm:package-lock.json": manyDeps(MaxUnmappedInfo + 5), // more than are listed
		"sbom:bom.json":         nil,
	}
	tests := []struct {
		name string
		set  func(*Snapshot)
		// absent families must have no series (and so no HELP line);
		// present ones must have some.
		absent, present []Family
	}{
		{name: "nothing", set: func(*Snapshot) {}},
		{name: "demo world", set: func(s *Snapshot) { s.Update(demo) }},
		{name: "demo world and watch list", set: func(s *Snapshot) { s.Update(demo); s.UpdateWatch(watch) }, present: snapshotFamilies},
		{name: "watch list only", set: func(s *Snapshot) { s.UpdateWatch(watch) }, absent: []Family{repoInfo, snapshotTime}},
		{name: "watch list cleared", set: func(s *Snapshot) { s.UpdateWatch(watch); s.UpdateWatch(nil) }, absent: []Family{watchUnmapped}},
		{name: "small snapshot", set: func(s *Snapshot) { s.Update(testSnapshot()) },
			absent: []Family{repoRenamed, handover, critScore}},
		{name: "edge cases", set: func(s *Snapshot) { s.Update(edgeSnapshot()) }},
		{name: "empty snapshot", set: func(s *Snapshot) { s.Update(&analysis.Snapshot{}) }, absent: []Family{repoInfo}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := allFamilies()
			tt.set(s)
			if err := s.problems.err(); err != nil {
				t.Fatal(err)
			}
			got := served(s)
			want, err := gatherText(s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("direct text differs from gather+expfmt:\n%s", firstDifference(got, want))
			}
			for _, f := range tt.absent {
				if bytes.Contains(got, []byte("# HELP "+f.Name+" ")) {
					t.Errorf("%s has no series but is written", f.Name)
				}
			}
			for _, f := range tt.present {
				if !bytes.Contains(got, []byte("\n"+f.Name)) {
					t.Errorf("%s has no series", f.Name)
				}
			}
		})
	}
}

// The edge cases are what they claim: formatted and escaped as expfmt does
// (spelled out here, so that the test does not only compare two writers).
func TestTextEdgeCases(t *testing.T) {
	t.Parallel()
	s := allFamilies()
	s.Update(edgeSnapshot())
	got := string(served(s))
	for _, line := range []string{
		`fundwatch_repo_criticality_input{input="nan",repo="o/a"} NaN`,
		`fundwatch_repo_criticality_input{input="+inf",repo="o/a"} +Inf`,
		`fundwatch_repo_criticality_input{input="-inf",repo="o/a"} -Inf`,
		`fundwatch_repo_criticality_input{input="negative zero",repo="o/a"} 0`,
		`fundwatch_repo_criticality_input{input="smallest",repo="o/a"} 5e-324`,
		`fundwatch_repo_criticality_input{input="1e21",repo="o/a"} 1e+21`,
		`fundwatch_repo_criticality_input{input="1e20",repo="o/a"} 1e+20`,
		`fundwatch_repo_criticality_input{input="1e-5",repo="o/a"} 1e-05`,
		`fundwatch_repo_criticality_input{input="1e-4",repo="o/a"} 0.0001`,
		`fundwatch_repo_criticality_input{input="big int",repo="o/a"} 1.2345678901234568e+17`,
		`fundwatch_repo_criticality_input{input="quote \"q\"",repo="o/a"} 2`,
		`fundwatch_repo_criticality_input{input="back\\slash",repo="o/a"} 3`,
		`fundwatch_repo_criticality_input{input="new\nline",repo="o/a"} 4`,
		"fundwatch_repo_criticality_input{input=\"tab\there\",repo=\"o/a\"} 5",
		"fundwatch_repo_criticality_input{input=\"nul\x00byte\",repo=\"o/a\"} 13",
		`fundwatch_repo_info{owner="line\nbreak",repo="o/\"quoted\"",tier="tier\\1"} 1`,
		`fundwatch_repo_info{owner="日本",repo="o/ünï",tier="crïtical"} 1`,
		`fundwatch_repo_forks{repo="o/a"} 9.007199254740992e+15`,
		`fundwatch_repo_stars{repo="o/a"} -1`,
		`fundwatch_snapshot_duration_seconds 3e-09`,
		`fundwatch_repo_drift_risk_score{repo="o/a"} NaN`,
		`fundwatch_repo_employer_share_ratio{employer="Acme \"Corp\"",repo="o/a",window="recent"} 0.6666666666666666`,
	} {
		if !strings.Contains(got, "\n"+line+"\n") {
			t.Errorf("no line %s", line)
		}
	}
	// Series sort by raw label values, as Gather sorts them: "a" < "a b" <
	// "a!" < "a\"" < "a\\", although escaped `a\"` > `a\\` would not.
	var order []string
	for _, l := range strings.Split(got, "\n") {
		if v, ok := strings.CutPrefix(l, "fundwatch_repo_stars{repo="); ok {
			order = append(order, v[:strings.LastIndexByte(v, '}')])
		}
	}
	want := []string{`"o/\"quoted\""`, `"o/a"`, `"o/a b"`, `"o/a\""`, `"o/a\\"`, `"o/ünï"`}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("stars series in order %v, want %v", order, want)
	}
}

// One hostile value never costs the other series: values that are not
// UTF-8 are repaired, huge ones cut, control characters escaped as the
// format needs, and a series rendered twice is written once; everything
// else is served, and the health gauges say what happened.
func TestHostileValuesCostNoOtherSeries(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("company ", 300_000/8) // a 300 KB profile field
	snap := demoSnapshot(t)
	snap.Repos[0].Owner = huge
	snap.Repos[1].Repo = "o/\xff\xfe" // one bad byte, as in a go.mod require path
	snap.Repos[2].Tier = "\x1b]0;retitled\x07\x1b[2J\x00"
	snap.Repos[3].Analysis.Windows[0].Employers = append(snap.Repos[3].Analysis.Windows[0].Employers,
		analysis.EmployerShare{Employer: "Acme\xc3", Share: 0.01}, analysis.EmployerShare{Employer: huge + "\xff", Share: 0.01})
	snap.Repos = append(snap.Repos, snap.Repos[4]) // a repository rendered twice (a bug)
	s := allFamilies()
	if err := s.UpdateWatch(map[string][]string{"gomod:go.mod": {"example.org/\xffbad", huge}}); err == nil {
		t.Error("UpdateWatch: no report of the repaired values")
	}
	err := s.Update(snap)
	if err == nil || !strings.Contains(err.Error(), "rendered twice") {
		t.Errorf("Update: %v, want a report naming the series rendered twice", err)
	}
	got := served(s)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, perr := parser.TextToMetricFamilies(bytes.NewReader(got))
	if perr != nil {
		t.Fatalf("the exposition does not parse: %v", perr)
	}
	// Every repository of the snapshot keeps its info series, the
	// repaired one under its repaired name.
	repos := map[string]bool{}
	for _, m := range mfs[repoInfo.Name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "repo" {
				repos[l.GetValue()] = true
			}
			if n := len(l.GetValue()); n > MaxLabelValueBytes {
				t.Errorf("label %s is %d bytes, over the cap", l.GetName(), n)
			}
		}
	}
	for _, r := range snap.Repos {
		name, _ := cleanLabel(r.Repo)
		if !repos[name] {
			t.Errorf("repository %q lost its info series", name)
		}
	}
	if !repos["o/\uFFFD"] {
		t.Errorf("the repaired name is not exported: %v", repos)
	}
	for _, name := range []string{repoStars.Name, employerShare.Name, watchUnmappedInfo.Name, snapshotTime.Name} {
		if len(mfs[name].GetMetric()) == 0 {
			t.Errorf("%s has no series", name)
		}
	}
	if !bytes.Contains(got, []byte("tier=\"\x1b]0;retitled\x07\x1b[2J\x00\"")) {
		t.Error("the control characters are not written as they are (the format allows them)")
	}
	// The health gauges count what happened, through the live registry.
	live, gerr := NewLiveRegistry(NewSelf(nil), s).Gather()
	if gerr != nil {
		t.Fatal(gerr)
	}
	values := map[string]float64{}
	for _, mf := range live {
		if len(mf.GetMetric()) == 1 {
			values[mf.GetName()] = mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	// The duplicate repository's series are left out once each, and its
	// repaired values count twice (the copy is rendered too).
	if values[snapshotDropped.Name] < 1 {
		t.Errorf("%s = %v, want the duplicate's series", snapshotDropped.Name, values[snapshotDropped.Name])
	}
	if values[snapshotRepaired.Name] < 5 {
		t.Errorf("%s = %v, want at least the five bad values", snapshotRepaired.Name, values[snapshotRepaired.Name])
	}
	// Gather (Collect) gets the same repaired values: it refuses only the
	// duplicate.
	dedup := demoSnapshot(t)
	dedup.Repos[1].Repo = "o/\xff"
	dedup.Repos[0].Owner = huge
	c := allFamilies()
	c.Update(dedup)
	want, gerr := gatherText(c)
	if gerr != nil {
		t.Fatal(gerr)
	}
	if !bytes.Equal(served(c), want) {
		t.Errorf("direct text differs from gather+expfmt:\n%s", firstDifference(served(c), want))
	}
}

func TestCleanLabel(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxLabelValueBytes) // two bytes a rune
	tests := []struct {
		in, want string
		changed  bool
	}{
		{in: "o/a", want: "o/a"},
		{in: "", want: ""},
		{in: "tab\there\n\x00", want: "tab\there\n\x00"},
		{in: "o/\xff", want: "o/\uFFFD", changed: true},
		{in: "a\xc3", want: "a\uFFFD", changed: true},
		{in: strings.Repeat("x", MaxLabelValueBytes), want: strings.Repeat("x", MaxLabelValueBytes)},
		{in: strings.Repeat("x", MaxLabelValueBytes+1), want: strings.Repeat("x", MaxLabelValueBytes-3) + "…", changed: true},
		// Cut at a rune boundary: 1021 bytes is half a rune in.
		{in: long, want: long[:MaxLabelValueBytes-4] + "…", changed: true},
	}
	for _, tt := range tests {
		got, changed := cleanLabel(tt.in)
		if got != tt.want || changed != tt.changed {
			t.Errorf("cleanLabel(%.20q) = %.20q (%d bytes), %v; want %.20q (%d bytes), %v", tt.in, got, len(got), changed, tt.want, len(tt.want), tt.changed)
		}
		if !utf8.ValidString(got) || len(got) > MaxLabelValueBytes {
			t.Errorf("cleanLabel(%.20q) is not exportable", tt.in)
		}
	}
}

// manyDeps returns n dependency names, last first.
func manyDeps(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("pkg-%03d", n-i)
	}
	return out
}

// firstDifference shows where two expositions part.
func firstDifference(got, want []byte) string {
	gl, wl := strings.SplitAfter(string(got), "\n"), strings.SplitAfter(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, g, w)
		}
	}
	return "same lines"
}

// seriesPerRepo counts the served series of each repository.
func seriesPerRepo(t *testing.T, s *Snapshot) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, line := range strings.Split(string(served(s)), "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		_, rest, ok := strings.Cut(line, `repo="`)
		if !ok {
			continue
		}
		repo, _, _ := strings.Cut(rest, `"`)
		out[repo]++
	}
	return out
}

// The cardinality budget: by default a repository costs at most
// MaxDefaultSeriesPerRepo series, whatever its story (the demo has exits,
// a handover, an archived and an abandoned project); opting in to
// everything serves the detail.
func TestDefaultSeriesBudget(t *testing.T) {
	t.Parallel()
	snap := demoSnapshot(t)
	def := NewSnapshot()
	def.Update(snap)
	all := allFamilies()
	all.Update(snap)
	d, a := seriesPerRepo(t, def), seriesPerRepo(t, all)
	if len(d) != len(snap.Repos) {
		t.Fatalf("%d repositories served, want %d", len(d), len(snap.Repos))
	}
	most, sumD, sumA := 0, 0, 0
	for repo, n := range d {
		most = max(most, n)
		sumD += n
		sumA += a[repo]
		if n > MaxDefaultSeriesPerRepo {
			t.Errorf("%s: %d series by default, over the budget of %d", repo, n, MaxDefaultSeriesPerRepo)
		}
		if a[repo] <= n {
			t.Errorf("%s: %d series with every family, not more than the %d by default", repo, a[repo], n)
		}
	}
	t.Logf("series per repository: default %.1f (at most %d), every family %.1f", float64(sumD)/float64(len(d)), most, float64(sumA)/float64(len(a)))
}

func TestSelectionRefusesUnknownFamilies(t *testing.T) {
	t.Parallel()
	_, err := NewSelection([]string{"fundwatch_repo_stars", "fundwatch_repo_starz"})
	if err == nil || !strings.Contains(err.Error(), "fundwatch_repo_starz") || strings.Contains(err.Error(), "fundwatch_repo_stars,") {
		t.Errorf("err = %v, want the unknown name, only", err)
	}
	sel, err := NewSelection([]string{" fundwatch_repo_stars ", ""})
	if err != nil || !sel.Keeps(repoStars) || sel.Keeps(repoForks) || !sel.Keeps(repoInfo) {
		t.Errorf("selection %v, %v: want stars and the defaults", sel.OptIns(), err)
	}
}

// The budget holds for the worst story a repository can have, not just
// the demo's: every reason held, every signal available, several exits, a
// handover and a rename. Families whose series grow with the story are
// capped per repository (PerRepo) or opt-in.
func TestDefaultSeriesBudgetWorstCase(t *testing.T) {
	t.Parallel()
	snap := demoSnapshot(t)
	for i := range snap.Repos {
		r := &snap.Repos[i]
		r.State.RenamedTo = r.Repo + "-renamed"
		a := r.Analysis
		if a == nil {
			continue
		}
		a.ExitsAvailable, a.HandoverAvailable = true, true
		a.EmployerExits = nil
		for j := range 6 {
			a.EmployerExits = append(a.EmployerExits, analysis.EmployerExit{Employer: fmt.Sprintf("employer-%d", j),
				BaselineShare: 0.9 - 0.1*float64(j), LastActive: snap.At})
		}
		a.Handovers = []analysis.Handover{{NewcomerFirstCommit: snap.At}}
		a.Risk.Reasons, a.Risk.Unavailable = nil, nil
		for _, id := range analysis.Reasons {
			a.Risk.Reasons = append(a.Risk.Reasons, analysis.Reason{ID: id})
		}
	}
	def := NewSnapshot()
	def.Update(snap)
	all := allFamilies()
	all.Update(snap)
	d, a := seriesPerRepo(t, def), seriesPerRepo(t, all)
	most := 0
	for repo, n := range d {
		most = max(most, n)
		if n > MaxDefaultSeriesPerRepo {
			t.Errorf("%s: %d series by default, over the budget of %d", repo, n, MaxDefaultSeriesPerRepo)
		}
	}
	// Opted in, every exit is there.
	body := string(served(all))
	for _, r := range snap.Repos {
		if r.Analysis == nil {
			continue
		}
		got := 0
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "fundwatch_repo_employer_exit_recent_share_ratio{") && strings.Contains(line, `repo="`+r.Repo+`"`) {
				got++
			}
		}
		if got != 6 {
			t.Errorf("%s: %d exits' recent shares with every family, want 6", r.Repo, got)
		}
		if a[r.Repo] <= d[r.Repo] {
			t.Errorf("%s: %d series with every family, not more than the %d by default", r.Repo, a[r.Repo], d[r.Repo])
		}
	}
	t.Logf("worst case: at most %d series per repository by default", most)
}
