package analysis

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/analysis/identity"
	"github.com/fundwatch/fundwatch/store"
)

// Class says who paid for a contribution, as far as the evidence goes.
type Class string

// The classes. Paid needs a known employer; volunteer needs positive
// evidence (a profile saying independent, or a personal address used mostly
// outside working hours); everything else is unknown, never guessed.
const (
	Paid      Class = "paid"
	Volunteer Class = "volunteer"
	Unknown   Class = "unknown"
	Bot       Class = "bot"
)

// Classes in report order.
var Classes = []Class{Paid, Volunteer, Unknown, Bot}

// Contribution is one commit, attributed.
type Contribution struct {
	Time     time.Time // UTC
	Person   string    // identity.Person.ID
	Class    Class
	Employer string             // when Paid
	Source   affiliation.Source // where the employer came from
	// Name is the author's name as written on the commit, lower-cased
	// with spaces collapsed ("" if none). It never merges people (two
	// John Smiths are two); it only vetoes alarms: the same name under a
	// new address is no newcomer, and work it keeps doing was retained.
	Name string
	// Domain is the author's e-mail domain, lower-cased.
	Domain string
	// WorkingHours is 1 when authored Mon–Fri 09:00–16:59 in the author's
	// own UTC offset, 0 outside, -1 when the offset is unknown (REST data).
	WorkingHours int8
	// actor is actorOf's answer, made once where the contribution is
	// (preclassify): the exit and handover scans ask it of every
	// contribution at every instant of a timeline.
	actor string
}

// People resolves who is who and who pays them, for one analysis.
type People struct {
	Dir   *identity.Directory
	Aff   *affiliation.Resolver
	Users map[string]*store.User // by lower-cased login
}

// NewPeople builds identities from every commit given (all repositories of
// an ecosystem at once is best: a person's emails meet across projects),
// and teaches the affiliation resolver the corporate domains those people's
// profiles reveal.
func NewPeople(commits [][]store.Commit, users []store.User, mm *identity.Mailmap, aff *affiliation.Resolver) *People {
	return newPeople(func(observe func(login, email, name string)) {
		for _, cs := range commits {
			for _, c := range cs {
				observe(c.AuthorLogin, c.AuthorEmail, c.AuthorName)
			}
		}
	}, users, mm, aff)
}

// newPeople is NewPeople from any source of commit authors: authors calls
// observe once per author occurrence (or per distinct author: identities
// do not depend on how often one is seen).
func newPeople(authors func(observe func(login, email, name string)), users []store.User, mm *identity.Mailmap, aff *affiliation.Resolver) *People {
	r := identity.NewResolver(mm)
	emails := map[string][]string{}
	authors(func(login, email, name string) {
		r.Observe(login, email, name)
		if login != "" && email != "" {
			k := strings.ToLower(login)
			emails[k] = appendUnique(emails[k], strings.ToLower(email))
		}
	})
	p := &People{Dir: r.Build(), Aff: aff, Users: map[string]*store.User{}}
	for i := range users {
		p.Users[strings.ToLower(users[i].Login)] = &users[i]
	}
	aff.Learn(users, emails)
	return p
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Classify attributes every commit of one repository.
func (p *People) Classify(commits []store.Commit) []Contribution {
	pre := p.preclassify(commits)
	return pre.prefix(len(commits), pre.habits(len(commits)))
}

// preclassified is what attributing a history's commits needs that does
// not depend on which of them are analysed: who made each and for whom,
// resolved once. Only the volunteer pattern of a personal address depends
// on the set (a person's working-hours habit over the commits analysed),
// so a timeline that analyses ever longer prefixes of one history
// resolves each commit once instead of once per instant.
type preclassified struct {
	base     []Contribution
	personal []bool // unresolved, from a personal address: the habit decides
}

// habit is one person's working-hours record: commits in working hours
// out of those whose offset is known.
type habit struct{ in, known int }

func (p *People) preclassify(commits []store.Commit) *preclassified {
	pre := &preclassified{base: make([]Contribution, len(commits)), personal: make([]bool, len(commits))}
	for i, c := range commits {
		ct := Contribution{Time: c.AuthorTime.UTC(), WorkingHours: workingHours(c), Class: Unknown,
			Name: normalizeName(c.AuthorName), Domain: affiliation.Domain(c.AuthorEmail)}
		person := p.Dir.Lookup(c.AuthorLogin, c.AuthorEmail)
		if person == nil {
			// No login and no e-mail: nothing to attribute.
			pre.base[i] = ct
			continue
		}
		ct.Person = person.ID
		ct.actor = actorOf(ct)
		user := p.userOf(person)
		switch {
		case c.AuthorBot || person.Bot || identity.IsBot(c.AuthorLogin, c.AuthorEmail, c.AuthorName, userType(user)):
			ct.Class = Bot
		default:
			ans := p.Aff.Resolve(c.AuthorEmail, user, c.AuthorTime)
			switch {
			case ans.Employer != "":
				ct.Class, ct.Employer, ct.Source = Paid, ans.Employer, ans.Source
			case ans.Independent:
				ct.Class = Volunteer
			case personalAddress(c.AuthorEmail):
				pre.personal[i] = true
			}
		}
		pre.base[i] = ct
	}
	return pre
}

// habits are the working-hours habits of the people of the first n
// commits (bots too: the habit is counted before anything is decided).
func (pre *preclassified) habits(n int) map[string]*habit {
	hs := map[string]*habit{}
	for _, c := range pre.base[:n] {
		addHabit(hs, c)
	}
	return hs
}

func addHabit(hs map[string]*habit, c Contribution) {
	if c.Person == "" || c.WorkingHours < 0 {
		return
	}
	h := hs[c.Person]
	if h == nil {
		h = &habit{}
		hs[c.Person] = h
	}
	h.known++
	h.in += int(c.WorkingHours)
}

// prefix attributes the first n commits, given the habits over them.
func (pre *preclassified) prefix(n int, hs map[string]*habit) []Contribution {
	out := slices.Clone(pre.base[:n])
	for i := range out {
		if !pre.personal[i] {
			continue
		}
		// A personal address used mostly outside working hours is the
		// volunteer pattern (Riehle et al. 2014); without known offsets
		// there is no evidence either way.
		if h := hs[out[i].Person]; h != nil && h.known >= 5 && float64(h.in)/float64(h.known) < 0.5 {
			out[i].Class = Volunteer
		}
	}
	return out
}

func (p *People) userOf(person *identity.Person) *store.User {
	for _, l := range person.Logins {
		if u, ok := p.Users[strings.ToLower(l)]; ok {
			return u
		}
	}
	return nil
}

func userType(u *store.User) string {
	if u == nil {
		return ""
	}
	return u.Type
}

// normalizeName lower-cases a name and collapses its spaces.
func normalizeName(n string) string {
	return strings.Join(strings.Fields(strings.ToLower(n)), " ")
}

func personalAddress(email string) bool {
	d := affiliation.Domain(email)
	return d == "" || affiliation.IsGenericProvider(d)
}

func workingHours(c store.Commit) int8 {
	if !c.AuthorTZKnown || c.AuthorTime.IsZero() {
		return -1
	}
	t := c.AuthorTime.In(time.FixedZone("", c.AuthorTZOffset*60))
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return 0
	}
	if h := t.Hour(); h >= 9 && h < 17 {
		return 1
	}
	return 0
}

// Value is a number that may be unavailable: OK=false means it could not
// be computed, which is never the same as zero.
type Value struct {
	V  float64 `json:"value"`
	OK bool    `json:"available"`
}

func some(v float64) Value { return Value{V: v, OK: true} }

// ClassStats counts one class in one window.
type ClassStats struct {
	Commits int `json:"commits"`
	People  int `json:"people"`
}

// EmployerShare is one employer's part of a window's human commits.
type EmployerShare struct {
	Employer string  `json:"employer"` // "other" folds the rest
	Commits  int     `json:"commits"`
	Share    float64 `json:"share"`
}

// WindowStats are the work signals of one window.
type WindowStats struct {
	Window string    `json:"window"`
	From   time.Time `json:"from"` // exclusive
	To     time.Time `json:"to"`   // inclusive
	// Commits counts all commits, bots included; Authors counts distinct
	// human people.
	Commits int                  `json:"commits"`
	Authors int                  `json:"authors"`
	ByClass map[Class]ClassStats `json:"by_class"`
	// PaidShare is paid / human commits; unavailable without human commits.
	PaidShare Value `json:"paid_share"`
	// WorkingHoursShare is the independent estimate: share of human
	// commits with a known offset authored in working hours.
	WorkingHoursShare Value           `json:"working_hours_share"`
	Employers         []EmployerShare `json:"employers"`
	// Affiliated is false while too few authors' profiles are known to
	// tell paid from volunteer work: then PaidShare, Employers,
	// ElephantFactor and the paid/volunteer/unknown classes are
	// unavailable (bots and totals still count).
	Affiliated     bool  `json:"affiliated"`
	BusFactor      Value `json:"bus_factor"`
	ElephantFactor Value `json:"elephant_factor"`
}

// window selects contributions with from < t <= to.
func window(cs []Contribution, from, to time.Time) []Contribution {
	// cs is sorted by time; find the bounds by binary search.
	lo := sort.Search(len(cs), func(i int) bool { return cs[i].Time.After(from) })
	hi := sort.Search(len(cs), func(i int) bool { return cs[i].Time.After(to) })
	return cs[lo:hi]
}

func windowStats(name string, cs []Contribution, from, to time.Time, topN int) WindowStats {
	w := WindowStats{Window: name, From: from, To: to, ByClass: map[Class]ClassStats{}}
	in := window(cs, from, to)
	people := map[Class]map[string]bool{}
	humans := map[string]bool{}
	var human, paid, whKnown, whIn int
	employers := map[string]int{}
	for _, c := range in {
		w.Commits++
		cls := w.ByClass[c.Class]
		cls.Commits++
		w.ByClass[c.Class] = cls
		if people[c.Class] == nil {
			people[c.Class] = map[string]bool{}
		}
		if c.Person != "" {
			people[c.Class][c.Person] = true
		}
		if c.Class == Bot {
			continue
		}
		human++
		if c.Person != "" {
			humans[c.Person] = true
		}
		if c.Class == Paid {
			paid++
			employers[c.Employer]++
		}
		if c.WorkingHours >= 0 {
			whKnown++
			whIn += int(c.WorkingHours)
		}
	}
	for _, cl := range Classes {
		s := w.ByClass[cl]
		s.People = len(people[cl])
		w.ByClass[cl] = s
	}
	w.Authors = len(humans)
	if human > 0 {
		w.PaidShare = some(float64(paid) / float64(human))
		w.Employers = topEmployers(employers, human, topN)
		w.BusFactor = some(float64(busFactor(in)))
		w.ElephantFactor = some(float64(elephantFactor(in)))
	}
	if whKnown > 0 {
		w.WorkingHoursShare = some(float64(whIn) / float64(whKnown))
	}
	return w
}

func topEmployers(counts map[string]int, total, n int) []EmployerShare {
	var all []EmployerShare
	for e, c := range counts {
		all = append(all, EmployerShare{Employer: e, Commits: c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Commits != all[j].Commits {
			return all[i].Commits > all[j].Commits
		}
		return all[i].Employer < all[j].Employer
	})
	if len(all) > n {
		other := EmployerShare{Employer: "other"}
		for _, e := range all[n:] {
			other.Commits += e.Commits
		}
		all = append(all[:n], other)
	}
	for i := range all {
		all[i].Share = float64(all[i].Commits) / float64(total)
	}
	return all
}
