package scenario

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WebFlow is the account GitHub records as committer of pull requests merged
// in the web interface.
const WebFlow = "web-flow"

// person is a User plus what the generator needs to write its commits.
type person struct {
	user     *User
	bot      bool
	loc      *time.Location
	personal []string // personal commit emails, preferred first
	noreply  string
	unlinked map[string]bool
	jobs     []job
}

type job struct {
	employer string
	from, to time.Time // to is zero while ongoing
	email    string
}

func (p *person) jobAt(t time.Time) *job {
	for i := range p.jobs {
		j := &p.jobs[i]
		if !t.Before(j.from) && (j.to.IsZero() || t.Before(j.to)) {
			return j
		}
	}
	return nil
}

func (p *person) login(email string) string {
	if p.unlinked[email] {
		return ""
	}
	return p.user.Login
}

// email picks the address of one commit: the corporate one for most paid
// work, personal ones (or the noreply address) otherwise.
func (p *person) email(rng *rand.Rand, j *job) string {
	if p.bot {
		return p.noreply
	}
	r := rng.Float64()
	if j != nil {
		switch {
		case r < 0.86:
			return j.email
		case r < 0.95 && len(p.personal) > 0:
			return p.personal[0]
		}
		return p.noreply
	}
	switch {
	case len(p.personal) > 1 && r < 0.2:
		return p.personal[1+rng.IntN(len(p.personal)-1)]
	case len(p.personal) > 0 && r < 0.85:
		return p.personal[0]
	}
	return p.noreply
}

type expander struct {
	spec   *Spec
	ix     *index
	end    time.Time
	start  time.Time
	world  *World
	people map[string]*person
	crowds map[string][]*person
	ids    map[int64]bool
	emails map[string]bool
	logins map[string]bool // lower-cased
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func (x *expander) rng(stream string) *rand.Rand {
	return rand.New(rand.NewPCG(x.spec.Seed, hash64(stream)))
}

// id gives a stable, unique account id derived from the login.
func (x *expander) id(login string, want int64) int64 {
	id := want
	if id == 0 {
		id = 1_000_000 + int64(hash64("user/"+login)%90_000_000)
	}
	for x.ids[id] {
		id++
	}
	x.ids[id] = true
	return id
}

// Expand turns a spec into a concrete world ending at end. It is
// deterministic: the same spec and end give a deep-equal World.
func Expand(spec *Spec, end time.Time) (*World, error) {
	ix, err := spec.check()
	if err != nil {
		return nil, err
	}
	end = end.Truncate(time.Second)
	x := &expander{
		spec:   spec,
		ix:     ix,
		end:    end,
		start:  spec.start(end),
		people: map[string]*person{},
		crowds: map[string][]*person{},
		ids:    map[int64]bool{},
		emails: map[string]bool{},
		logins: map[string]bool{},
		world:  &World{Name: spec.Name, End: end, Users: map[string]*User{}},
	}
	x.orgs()
	x.webFlow()
	x.namedPeople()
	for i := range spec.Crowds {
		x.crowd(&spec.Crowds[i])
	}
	for i := range spec.Repos {
		x.world.Repos = append(x.world.Repos, x.repo(&spec.Repos[i]))
	}
	slices.SortFunc(x.world.Repos, func(a, b *Repo) int {
		return strings.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
	})
	return x.world, nil
}

func (x *expander) addUser(u *User) {
	x.world.Users[u.Login] = u
	x.logins[strings.ToLower(u.Login)] = true
}

func (x *expander) orgs() {
	for _, e := range x.spec.Employers {
		x.world.Employers = append(x.world.Employers, Employer{ID: e.ID, Name: e.Name, Domains: slices.Clone(e.Domains), Org: e.Org})
		if e.Org == "" {
			continue
		}
		x.addUser(&User{
			Login:     e.Org,
			ID:        x.id(e.Org, 0),
			Type:      "Organization",
			Name:      e.Name,
			Blog:      "https://" + e.Domains[0],
			CreatedAt: x.start.AddDate(-8, 0, int(hash64(e.Org)%300)),
		})
	}
	for _, o := range x.spec.Orgs {
		created := x.start.AddDate(-1, 0, -int(hash64(o.Login)%600))
		if o.Created.Set {
			created = o.Created.At(x.end)
		}
		x.addUser(&User{
			Login:     o.Login,
			ID:        x.id(o.Login, 0),
			Type:      "Organization",
			Name:      o.Name,
			Blog:      o.Blog,
			Email:     o.Email,
			Bio:       o.Description,
			CreatedAt: created,
			Sponsors:  sponsorsOf(o.Sponsors),
		})
	}
}

// sponsorsOf turns a checked SponsorsSpec into the world's truth, computing
// the goal's progress the way GitHub does (capped at 100%).
func sponsorsOf(sp *SponsorsSpec) *Sponsors {
	if sp == nil || !sp.Listing {
		return nil
	}
	s := &Sponsors{HasListing: true, Public: sp.Public, Private: sp.Private}
	if g := sp.Goal; g != nil {
		have := s.Total()
		title := g.Title
		if g.Kind == "monthly" {
			have = g.Monthly
			title = cmp.Or(title, fmt.Sprintf("$%d per month", g.Target))
		}
		title = cmp.Or(title, fmt.Sprintf("%d sponsors", g.Target))
		s.Goal = &SponsorsGoal{
			Kind:            goalKinds[g.Kind],
			TargetValue:     g.Target,
			PercentComplete: min(100, have*100/g.Target),
			Title:           title,
			Description:     g.Description,
		}
	}
	return s
}

func (x *expander) webFlow() {
	u := &User{Login: WebFlow, ID: x.id(WebFlow, 19864447), Type: "User", Name: "GitHub Web Flow",
		CreatedAt: time.Date(2016, 7, 14, 0, 0, 0, 0, time.UTC)}
	x.addUser(u)
	x.people[WebFlow] = &person{user: u, loc: time.UTC, noreply: "noreply@github.com", personal: []string{"noreply@github.com"}}
}

func noreply(id int64, login string) string {
	return fmt.Sprintf("%d+%s@users.noreply.github.com", id, login)
}

func (x *expander) jobs(emps []EmploymentSpec, name, login string) []job {
	var js []job
	for _, e := range emps {
		j := job{employer: e.Employer, from: e.From.At(x.end), email: e.Email}
		if e.To.Set {
			j.to = e.To.At(x.end)
		}
		if j.email == "" {
			j.email = mailLocal(name, login) + "@" + x.ix.employers[e.Employer].Domains[0]
		}
		js = append(js, j)
	}
	return js
}

func (x *expander) finishPerson(p *person, u *User) {
	p.noreply = noreply(u.ID, u.Login)
	seen := map[string]bool{}
	add := func(e string) {
		if e != "" && !seen[e] {
			seen[e] = true
			u.Emails = append(u.Emails, e)
			x.emails[strings.ToLower(e)] = true
		}
	}
	for _, e := range p.personal {
		add(e)
	}
	for _, j := range p.jobs {
		add(j.email)
	}
	add(p.noreply)
	for _, j := range p.jobs {
		u.Employment = append(u.Employment, Employment{Employer: j.employer, From: j.from, To: j.to})
	}
	p.loc = time.FixedZone(fmtOffset(u.UTCOffset), u.UTCOffset*60)
	x.people[u.Login] = p
	x.addUser(u)
}

func fmtOffset(min int) string {
	sign := '+'
	if min < 0 {
		sign, min = '-', -min
	}
	return fmt.Sprintf("%c%02d%02d", sign, min/60, min%60)
}

func personalEmail(mail, name, login string, id int64) string {
	switch mail {
	case "noreply":
		return noreply(id, login)
	case "", "gmail.com":
		return mailLocal(name, login) + "@gmail.com"
	default:
		return strings.ToLower(login) + "@" + mail
	}
}

func (x *expander) namedPeople() {
	rng := x.rng("people")
	for i := range x.spec.People {
		ps := &x.spec.People[i]
		typ := cmp.Or(ps.Type, "User")
		off, _ := parseUTC(ps.UTC)
		created := x.start.AddDate(-1-rng.IntN(9), -rng.IntN(12), -rng.IntN(28))
		if ps.Created.Set {
			created = ps.Created.At(x.end)
		}
		u := &User{
			Login: ps.Login, ID: x.id(ps.Login, ps.ID), Type: typ, Name: ps.Name,
			Company: ps.Company, Email: ps.PublicEmail, Blog: ps.Blog, Location: ps.Location,
			Bio: ps.Bio, CreatedAt: created, Orgs: slices.Clone(ps.Orgs), UTCOffset: off,
			Sponsors: sponsorsOf(ps.Sponsors),
		}
		p := &person{user: u, bot: typ == "Bot", unlinked: map[string]bool{}}
		p.personal = slices.Clone(ps.Emails)
		if len(p.personal) == 0 && !p.bot {
			p.personal = []string{personalEmail(ps.Mail, ps.Name, ps.Login, u.ID)}
		}
		for _, e := range ps.Unlinked {
			p.unlinked[e] = true
		}
		p.jobs = x.jobs(ps.Employment, ps.Name, ps.Login)
		x.finishPerson(p, u)
	}
}

// crowd generates the members of a crowd from its own random stream, so
// adding a crowd leaves the others unchanged.
func (x *expander) crowd(cs *CrowdSpec) {
	rng := x.rng("crowd/" + cs.ID)
	for range cs.Count {
		first, last := pick(rng, firstNames), pick(rng, lastNames)
		name := first + " " + last
		f, l := strings.ToLower(strings.ReplaceAll(first, "-", "")), strings.ToLower(strings.ReplaceAll(last, " ", ""))
		var login string
		switch rng.IntN(6) {
		case 0:
			login = f + l
		case 1:
			login = f[:1] + l
		case 2:
			login = f + "-" + l
		case 3:
			login = l + f[:1] + strconv.Itoa(rng.IntN(100))
		case 4:
			login = f + strconv.Itoa(1970+rng.IntN(40))
		default:
			login = f + "-" + pick(rng, []string{"dev", "codes", "io", "hacks", "oss"})
		}
		for x.logins[login] {
			login += strconv.Itoa(rng.IntN(10))
		}
		mails := cs.Mail
		if len(mails) == 0 {
			mails = []string{"gmail.com"}
		}
		off := 0
		if len(cs.UTC) > 0 {
			off, _ = parseUTC(pick(rng, cs.UTC))
		}
		u := &User{
			Login: login, ID: x.id(login, 0), Type: "User", Name: name, UTCOffset: off,
			CreatedAt: x.start.AddDate(-1-rng.IntN(10), -rng.IntN(12), -rng.IntN(28)),
		}
		if len(cs.Company) > 0 {
			u.Company = pick(rng, cs.Company)
		}
		if len(cs.Locations) > 0 {
			u.Location = pick(rng, cs.Locations)
		}
		if len(cs.Orgs) > 0 && rng.Float64() < cs.OrgShare {
			u.Orgs = slices.Clone(cs.Orgs)
		}
		p := &person{user: u, unlinked: map[string]bool{}}
		email := personalEmail(pick(rng, mails), name, login, u.ID)
		for x.emails[strings.ToLower(email)] {
			at := strings.IndexByte(email, '@')
			email = email[:at] + strconv.Itoa(rng.IntN(10)) + email[at:]
		}
		p.personal = []string{email}
		if rng.Float64() < 0.3 && !strings.HasSuffix(email, "noreply.github.com") {
			u.Email = email
		}
		if rng.Float64() < cs.Unlinked && !strings.HasSuffix(email, "noreply.github.com") {
			p.unlinked[email] = true
		}
		p.jobs = x.jobs(cs.Employment, name, login)
		x.finishPerson(p, u)
		x.crowds[cs.ID] = append(x.crowds[cs.ID], p)
	}
}

// --- repositories -----------------------------------------------------------

// phase is a PhaseSpec placed in time.
type phase struct {
	spec     *PhaseSpec
	from, to time.Time
	mergers  []*person
	respond  []*person
	by       []*person
}

type issueDraft struct {
	Issue
	seq      int
	comments []Comment
}

type commitDraft struct {
	Commit
	seq int
	pr  *issueDraft // the pull request that brought it, if any
}

type repoGen struct {
	x       *expander
	spec    *RepoSpec
	rng     *rand.Rand
	limit   time.Time // end, or when the repo was archived
	phases  []phase
	commits []*commitDraft
	issues  []*issueDraft
	seq     int
}

func (g *repoGen) phaseAt(t time.Time) *phase {
	for i := range g.phases {
		if !t.Before(g.phases[i].from) && t.Before(g.phases[i].to) {
			return &g.phases[i]
		}
	}
	return nil
}

func (x *expander) repo(rs *RepoSpec) *Repo {
	owner, name, _ := strings.Cut(rs.Repo, "/")
	r := &Repo{
		Owner: owner, Name: name, ID: 100_000_000 + int64(hash64("repo/"+rs.Repo)%800_000_000),
		Description: rs.Description, Homepage: rs.Homepage, Language: rs.Language, License: rs.License,
		DefaultBranch: cmp.Or(rs.DefaultBranch, "main"), Topics: slices.Clone(rs.Topics),
		HasIssues: !rs.NoIssues, Stars: rs.Stars, Forks: rs.Forks, Watchers: rs.Watchers,
		FundingYML: rs.Funding,
		Truth:      RepoTruth{Story: rs.Story, Tier: rs.Tier},
	}
	if r.Watchers == 0 {
		r.Watchers = rs.Stars/12 + 1
	}
	g := &repoGen{x: x, spec: rs, rng: x.rng("repo/" + rs.Repo), limit: x.end}
	if rs.Archived.Set {
		r.Archived, r.ArchivedAt = true, rs.Archived.At(x.end)
		g.limit = r.ArchivedAt
	}
	r.CreatedAt = rs.Phases[0].From.At(x.end).AddDate(0, 0, -14)
	if rs.Created.Set {
		r.CreatedAt = rs.Created.At(x.end)
	}
	for i := range rs.Phases {
		ps := &rs.Phases[i]
		ph := phase{spec: ps, from: ps.From.At(x.end), to: x.end}
		if ps.To.Set {
			ph.to = ps.To.At(x.end)
		}
		if ph.to.After(g.limit) {
			ph.to = g.limit
		}
		ph.mergers = x.persons(ps.Pulls.Mergers)
		if len(ph.mergers) == 0 {
			for _, c := range ps.Contributors {
				if p := x.people[c.Person]; p != nil && !p.bot {
					ph.mergers = append(ph.mergers, p)
				}
			}
		}
		if !ps.Issues.Response.None {
			ph.respond = x.persons(ps.Issues.Responders)
		}
		ph.by = x.persons(ps.Releases.By)
		if len(ph.by) == 0 && len(ph.mergers) > 0 {
			ph.by = ph.mergers[:1]
		}
		g.phases = append(g.phases, ph)
	}
	for i := range g.phases {
		if g.phases[i].from.Before(g.phases[i].to) {
			g.contributions(&g.phases[i])
			g.plainIssues(&g.phases[i])
		}
	}
	g.finish(r)
	for i := range g.phases {
		if g.phases[i].from.Before(g.phases[i].to) {
			g.releases(r, &g.phases[i])
		}
	}
	g.finishReleases(r)
	for _, e := range rs.Events {
		r.Truth.Events = append(r.Truth.Events, Event{Kind: e.Kind, Date: e.Date.At(x.end), Employer: e.Employer, Person: e.Person, Note: e.Note})
	}
	slices.SortStableFunc(r.Truth.Events, func(a, b Event) int { return a.Date.Compare(b.Date) })
	return r
}

func (x *expander) persons(logins []string) []*person {
	var ps []*person
	for _, l := range logins {
		ps = append(ps, x.people[l])
	}
	return ps
}

func poisson(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// lognormal draws a delay around median; sigma 1 spreads it over roughly
// a fifth to five times the median, like real response times.
func lognormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	d := time.Duration(float64(median) * math.Exp(sigma*rng.NormFloat64()))
	return max(d, time.Minute).Truncate(time.Second) // GitHub times have whole seconds
}

func uniform(rng *rand.Rand, from, to time.Time) time.Time {
	return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from))))).Truncate(time.Second)
}

// place moves t to a time of day that fits the habit in the person's zone.
func place(rng *rand.Rand, t time.Time, habit string, loc *time.Location, from, to time.Time) time.Time {
	for range 8 {
		lt := t.In(loc)
		day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
		switch habit {
		case "office":
			if rng.Float64() < 0.9 {
				switch lt.Weekday() {
				case time.Saturday:
					day = day.AddDate(0, 0, -1)
				case time.Sunday:
					day = day.AddDate(0, 0, 1)
				}
				lt = day.Add(9*time.Hour + time.Duration(rng.Int64N(int64(8*time.Hour))))
			}
		case "evening":
			if rng.Float64() < 0.9 {
				if rng.Float64() < 0.4 {
					day = day.AddDate(0, 0, int(time.Saturday-lt.Weekday())+rng.IntN(2))
					lt = day.Add(10*time.Hour + time.Duration(rng.Int64N(int64(13*time.Hour))))
				} else {
					lt = day.Add(18*time.Hour + time.Duration(rng.Int64N(int64(6*time.Hour))))
				}
			}
		}
		if !lt.Before(from) && lt.Before(to) {
			return lt.Truncate(time.Second)
		}
		t = uniform(rng, from, to)
	}
	return t.In(loc).Truncate(time.Second)
}

func (g *repoGen) next() int { g.seq++; return g.seq }

// contributions writes the commits of one phase, some of them through pull
// requests.
func (g *repoGen) contributions(ph *phase) {
	months := float64(ph.to.Sub(ph.from)) / float64(month)
	rs := g.spec
	for _, c := range ph.spec.Contributors {
		var members []*person
		if c.Person != "" {
			members = []*person{g.x.people[c.Person]}
		} else {
			all := g.x.crowds[c.Crowd]
			n := c.People
			if n == 0 {
				n = min(len(all), 40)
			}
			for _, i := range g.rng.Perm(len(all))[:n] {
				members = append(members, all[i])
			}
		}
		weights := make([]float64, len(members))
		total := 0.0
		for i := range members {
			weights[i] = 1 / math.Pow(float64(i+1), 0.8)
			total += weights[i]
		}
		n := poisson(g.rng, c.Rate*months)
		for range n {
			m := members[0]
			if len(members) > 1 {
				r := g.rng.Float64() * total
				for i, w := range weights {
					if r -= w; r < 0 {
						m = members[i]
						break
					}
				}
			}
			t0 := uniform(g.rng, ph.from, ph.to)
			habit := c.Habit
			if habit == "" {
				switch {
				case m.bot:
					habit = "any"
				case !c.Unpaid && m.jobAt(t0) != nil:
					habit = "office"
				default:
					habit = "evening"
				}
			}
			at := place(g.rng, t0, habit, m.loc, ph.from, ph.to)
			var j *job
			if !c.Unpaid && !m.bot {
				j = m.jobAt(at)
			}
			pr := ph.spec.Pulls.Share
			switch {
			case c.PR != nil:
				pr = *c.PR
			case m.bot:
				pr = 0
			case c.Crowd != "":
				pr = 1
			}
			msg := commitMessage(g.rng, rs.Messages)
			if m.bot {
				msg = botMessage(g.rng, m.user.Login, rs.Language)
			}
			email := m.email(g.rng, j)
			cd := &commitDraft{seq: g.next(), Commit: Commit{
				Message: msg, AuthorName: m.user.Name, AuthorEmail: email, AuthorLogin: m.login(email),
				AuthorDate: at, TruthBot: m.bot,
			}}
			if m.bot && cd.AuthorName == "" {
				cd.AuthorName = m.user.Login
			}
			if j != nil {
				cd.TruthEmployer = j.employer
			}
			if g.rng.Float64() < pr {
				if !g.pullRequest(ph, m, cd) {
					continue
				}
			} else {
				cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = cd.AuthorName, cd.AuthorEmail, cd.AuthorLogin
				cd.CommitterDate = at
				if g.rng.Float64() < 0.1 { // amended or rebased later
					if t := at.Add(lognormal(g.rng, 2*time.Hour, 1)); t.Before(g.limit) {
						cd.CommitterDate = t
					}
				}
			}
			g.commits = append(g.commits, cd)
		}
	}
}

func others(ps []*person, not *person) []*person {
	var out []*person
	for _, p := range ps {
		if p != not {
			out = append(out, p)
		}
	}
	return out
}

// pullRequest turns a commit into a merged pull request. It reports false
// when the PR is still open at the end (the commit is then not on the
// default branch).
func (g *repoGen) pullRequest(ph *phase, author *person, cd *commitDraft) bool {
	created := cd.AuthorDate.Add(time.Duration(2+g.rng.IntN(120)) * time.Minute).UTC()
	if !created.Before(g.limit) {
		created = cd.AuthorDate.UTC()
	}
	pd := &issueDraft{seq: g.next(), Issue: Issue{
		Title: cd.Message, User: author.user.Login, CreatedAt: created, IsPull: true,
		Body: "This change " + strings.ToLower(cd.Message) + ".",
	}}
	if author.bot {
		pd.Labels = []string{"dependencies"}
		pd.Body = "Bumps the dependency to the latest version. Release notes and commits are linked below."
	}
	g.issues = append(g.issues, pd)
	median := cmp.Or(ph.spec.Pulls.Merge.D, 24*time.Hour)
	if author.bot {
		median /= 2
	}
	merged := created.Add(lognormal(g.rng, median, 1))
	mph := g.phaseAt(merged)
	var mergers []*person
	if mph != nil {
		mergers = mph.mergers
	}
	cands := others(mergers, author)
	if len(cands) == 0 && slices.Contains(mergers, author) {
		cands = []*person{author}
	}
	if len(cands) == 0 || !merged.Before(g.limit) {
		pd.Draft = !author.bot && g.rng.Float64() < 0.2
		return false
	}
	merger := pick(g.rng, cands)
	if merger != author && g.rng.Float64() < 0.7 {
		rt := created.Add(time.Duration(float64(merged.Sub(created)) * (0.2 + 0.6*g.rng.Float64())))
		g.comment(pd, merger, rt, pick(g.rng, responses))
		if !author.bot && g.rng.Float64() < 0.3 {
			g.comment(pd, author, rt.Add(merged.Sub(rt)/2), pick(g.rng, replies))
		}
	}
	pd.MergedAt, pd.MergedBy = merged, merger.user.Login
	pd.ClosedAt, pd.ClosedBy = merged, merger.user.Login
	cd.pr = pd
	cd.CommitterDate = merged
	if g.rng.Float64() < 0.5 {
		cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = "GitHub", "noreply@github.com", WebFlow
	} else {
		e := merger.email(g.rng, merger.jobAt(merged))
		cd.CommitterName, cd.CommitterEmail, cd.CommitterLogin = merger.user.Name, e, merger.login(e)
		cd.CommitterDate = merged.In(merger.loc)
	}
	// Some contributions are turned down; they leave a closed PR behind.
	rej := 0.1
	if ph.spec.Pulls.Rejected != nil {
		rej = *ph.spec.Pulls.Rejected
	}
	if !author.bot && g.rng.Float64() < rej {
		at := created.Add(time.Duration(g.rng.IntN(240)) * time.Hour)
		if at.Before(g.limit) {
			title, _ := issueTitle(g.rng)
			rd := &issueDraft{seq: g.next(), Issue: Issue{Title: "Fix: " + strings.ToLower(title), User: author.user.Login, CreatedAt: at, IsPull: true, Body: "Proposed fix."}}
			g.issues = append(g.issues, rd)
			closed := at.Add(lognormal(g.rng, 2*median, 1))
			if closed.Before(g.limit) {
				g.comment(rd, merger, closed, "Thanks, but we'd rather not take this change; see the contributing guide.")
				rd.ClosedAt, rd.ClosedBy = closed, merger.user.Login
			}
		}
	}
	return true
}

func (g *repoGen) comment(d *issueDraft, p *person, at time.Time, body string) {
	at = at.UTC().Truncate(time.Second)
	d.comments = append(d.comments, Comment{User: p.user.Login, Body: body, CreatedAt: at, UpdatedAt: at})
}

// crowdWeight is how much more often a crowd files issues than one named
// person: maintainers open some issues, users most.
const crowdWeight = 8

// plainIssues files the phase's issues and answers them the way the phase
// in force at answer time says.
func (g *repoGen) plainIssues(ph *phase) {
	is := ph.spec.Issues
	if is.Rate <= 0 || g.spec.NoIssues {
		return
	}
	var pool []*person
	var weights []float64
	for _, a := range is.Authors {
		if ms, ok := g.x.crowds[a]; ok {
			for _, m := range ms {
				pool = append(pool, m)
				weights = append(weights, crowdWeight/float64(len(ms)))
			}
		} else {
			pool = append(pool, g.x.people[a])
			weights = append(weights, 1)
		}
	}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	months := float64(ph.to.Sub(ph.from)) / float64(month)
	for range poisson(g.rng, is.Rate*months) {
		r := g.rng.Float64() * total
		author := pool[len(pool)-1]
		for i, w := range weights {
			if r -= w; r < 0 {
				author = pool[i]
				break
			}
		}
		at := uniform(g.rng, ph.from, ph.to).UTC().Truncate(time.Second)
		title, kind := issueTitle(g.rng)
		d := &issueDraft{seq: g.next(), Issue: Issue{Title: title, User: author.user.Login, CreatedAt: at,
			Body: "Steps to reproduce, expected and actual behaviour are below."}}
		if len(is.Labels) > 0 && g.rng.Float64() < 0.6 {
			d.Labels = append(d.Labels, kind)
			if g.rng.Float64() < 0.3 {
				if l := pick(g.rng, is.Labels); l != kind {
					d.Labels = append(d.Labels, l)
				}
			}
		}
		g.issues = append(g.issues, d)
		g.answer(ph, d, author)
	}
}

func (g *repoGen) answer(ph *phase, d *issueDraft, author *person) {
	is := ph.spec.Issues
	answered := 0.9
	if is.Answered != nil {
		answered = *is.Answered
	}
	if len(ph.respond) == 0 || g.rng.Float64() >= answered {
		if g.rng.Float64() < 0.05 { // the reporter solved it alone
			if t := d.CreatedAt.Add(lognormal(g.rng, 10*24*time.Hour, 1)); t.Before(g.limit) {
				g.comment(d, author, t, "Never mind, found the problem on my side.")
				d.ClosedAt, d.ClosedBy = t.UTC().Truncate(time.Second), author.user.Login
			}
		}
		return
	}
	rt := d.CreatedAt.Add(lognormal(g.rng, is.Response.D, 1))
	rph := g.phaseAt(rt)
	if rph == nil || !rt.Before(g.limit) {
		return
	}
	cands := others(rph.respond, author)
	if len(cands) == 0 {
		return
	}
	resp := pick(g.rng, cands)
	g.comment(d, resp, rt, pick(g.rng, responses))
	last := rt
	if g.rng.Float64() < 0.5 {
		if t := last.Add(lognormal(g.rng, 20*time.Hour, 1)); t.Before(g.limit) {
			g.comment(d, author, t, pick(g.rng, replies))
			last = t
			if g.rng.Float64() < 0.4 {
				if t := last.Add(lognormal(g.rng, is.Response.D, 1)); t.Before(g.limit) {
					g.comment(d, resp, t, pick(g.rng, responses))
					last = t
				}
			}
		}
	}
	closeShare := 0.8
	if is.Close != nil {
		closeShare = *is.Close
	}
	if g.rng.Float64() < closeShare {
		t := last.Add(lognormal(g.rng, cmp.Or(is.CloseAfter.D, 48*time.Hour), 1))
		if t.Before(g.limit) {
			d.ClosedAt, d.ClosedBy = t.UTC().Truncate(time.Second), resp.user.Login
			d.Locked = g.rng.Float64() < 0.02
		}
	}
}

// finish orders, numbers and identifies everything.
func (g *repoGen) finish(r *Repo) {
	slices.SortFunc(g.issues, func(a, b *issueDraft) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.seq, b.seq))
	})
	var comments []Comment
	for i, d := range g.issues {
		d.Number = i + 1
		for _, c := range d.comments {
			c.IssueNumber = d.Number
			comments = append(comments, c)
		}
		r.Issues = append(r.Issues, d.Issue)
	}
	slices.SortStableFunc(comments, func(a, b Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range comments {
		comments[i].ID = r.ID*10_000_000 + int64(i+1)
	}
	r.Comments = comments

	slices.SortFunc(g.commits, func(a, b *commitDraft) int {
		return cmp.Or(a.CommitterDate.Compare(b.CommitterDate), a.AuthorDate.Compare(b.AuthorDate), cmp.Compare(a.seq, b.seq))
	})
	prev := ""
	for i, cd := range g.commits {
		if cd.pr != nil {
			cd.Message = fmt.Sprintf("%s (#%d)", cd.Message, cd.pr.Number)
		}
		sum := sha1.Sum([]byte(fmt.Sprintf("%d\x00%s\x00%d", g.x.spec.Seed, r.FullName(), i)))
		cd.SHA = hex.EncodeToString(sum[:])
		if prev != "" {
			cd.Parents = []string{prev}
		}
		prev = cd.SHA
		r.Commits = append(r.Commits, cd.Commit)
	}
}

func (g *repoGen) releases(r *Repo, ph *phase) {
	rel := ph.spec.Releases
	if !rel.Every.Set || len(ph.by) == 0 {
		return
	}
	every := rel.Every.D
	t := ph.from.Add(time.Duration(float64(every) * (0.2 + 0.8*g.rng.Float64())))
	for t.Before(ph.to) {
		r.Releases = append(r.Releases, Release{
			Author:      pick(g.rng, ph.by).user.Login,
			Prerelease:  g.rng.Float64() < rel.Prerelease,
			CreatedAt:   t.UTC().Truncate(time.Second),
			PublishedAt: t.Add(time.Duration(1+g.rng.IntN(30)) * time.Minute).UTC().Truncate(time.Second),
		})
		t = t.Add(time.Duration(float64(every) * (0.75 + 0.5*g.rng.Float64())))
	}
}

// finishReleases gives releases increasing semver tags in time order.
func (g *repoGen) finishReleases(r *Repo) {
	rels := r.Releases
	slices.SortStableFunc(rels, func(a, b Release) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var maj, minr, pat int
	fmt.Sscanf(cmp.Or(g.spec.Version, "0.1.0"), "%d.%d.%d", &maj, &minr, &pat)
	first, pendingPre := true, false
	ci := 0
	var last string
	for i := range rels {
		rl := &rels[i]
		if rl.PublishedAt.After(g.limit) {
			rl.PublishedAt = rl.CreatedAt
		}
		if !first && !pendingPre {
			switch x := g.rng.Float64(); {
			case x < 0.03 && maj > 0:
				maj, minr, pat = maj+1, 0, 0
			case x < 0.3:
				minr, pat = minr+1, 0
			default:
				pat++
			}
		}
		first = false
		v := fmt.Sprintf("v%d.%d.%d", maj, minr, pat)
		if rl.Prerelease && !pendingPre {
			v += "-rc.1"
			pendingPre = true
		} else {
			rl.Prerelease = false
			pendingPre = false
		}
		n := 0
		for ci < len(r.Commits) && !r.Commits[ci].CommitterDate.After(rl.CreatedAt) {
			ci++
			n++
		}
		rl.TagName, rl.Name = v, v
		rl.ID = r.ID*10_000 + int64(i+1)
		rl.Body = fmt.Sprintf("## What's changed\n\n%d commits", n)
		if last != "" {
			rl.Body += " since " + last
		}
		rl.Body += ".\n"
		last = v
	}
	r.Releases = rels
}
