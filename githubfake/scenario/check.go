package scenario

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// index resolves the names a spec refers to.
type index struct {
	employers map[string]*EmployerSpec
	people    map[string]*PersonSpec
	crowds    map[string]*CrowdSpec
	orgs      map[string]bool // every organisation login (employers' and others)
}

// Limits that keep a typo from generating a world that does not fit in memory.
const (
	maxYears = 50
	maxCrowd = 100_000
	maxRate  = 10_000 // per month
)

// checkEnd is the reference end used to order offsets while checking; month
// lengths make offsets only almost comparable, which is enough here.
var checkEnd = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

type checker struct {
	s    *Spec
	errs []error
	more int // problems past maxErrors, counted as the decoder counts them
}

func (c *checker) errorf(path, format string, args ...any) {
	if len(c.errs) < maxErrors {
		c.errs = append(c.errs, &Error{File: c.s.fileName(), Line: c.s.lineOf(path), Path: path, Msg: fmt.Sprintf(format, args...)})
		return
	}
	c.more++
}

func (s *Spec) fileName() string {
	if s.file == "" {
		return "scenario " + strconv.Quote(s.Name)
	}
	return s.file
}

// lineOf finds the YAML line of path or of its nearest parent.
func (s *Spec) lineOf(path string) int {
	for path != "" {
		if l, ok := s.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

var (
	loginRE  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$`)
	repoRE   = regexp.MustCompile(`^([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)$`)
	semverRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)
	utcRE    = regexp.MustCompile(`^([+-])(\d{1,2})(?::(\d{2}))?$`)
)

// parseUTC reads "+02:00", "-5", "+5:30" into minutes east of UTC.
func parseUTC(s string) (int, error) {
	if s == "" || s == "0" || s == "Z" {
		return 0, nil
	}
	m := utcRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad UTC offset %q: want e.g. +02:00, -5 or +5:30", s)
	}
	h, _ := strconv.Atoi(m[2])
	mins, _ := strconv.Atoi(m[3])
	off := h*60 + mins
	if h > 14 || mins >= 60 {
		return 0, fmt.Errorf("bad UTC offset %q: out of range", s)
	}
	if m[1] == "-" {
		off = -off
	}
	return off, nil
}

func (s *Spec) start(end time.Time) time.Time {
	if s.Start.Set {
		return s.Start.At(end)
	}
	return end.AddDate(-s.Years, 0, 0)
}

// check validates the whole spec and returns its name index.
func (s *Spec) check() (*index, error) {
	c := &checker{s: s}
	ix := &index{
		employers: map[string]*EmployerSpec{},
		people:    map[string]*PersonSpec{},
		crowds:    map[string]*CrowdSpec{},
		orgs:      map[string]bool{},
	}
	if s.Name == "" {
		c.errorf("name", "missing scenario name")
	}
	if !s.Start.Set && s.Years <= 0 {
		c.errorf("years", "history length missing: set years (e.g. 4) or start (e.g. -48mo)")
	}
	if s.Years > maxYears {
		c.errorf("years", "%d years of history; at most %d", s.Years, maxYears)
	}
	if s.Start.Set && s.Start.At(checkEnd).Before(checkEnd.AddDate(-maxYears, 0, 0)) {
		c.errorf("start", "start %s is more than %d years back", s.Start, maxYears)
	}
	logins := map[string]string{} // login or crowd id → where it was defined
	claim := func(path, login string) {
		if login == "" {
			c.errorf(path, "missing")
			return
		}
		if !loginRE.MatchString(login) {
			c.errorf(path, "%q is not a valid GitHub login", login)
		}
		key := strings.ToLower(login)
		if prev, ok := logins[key]; ok {
			c.errorf(path, "%q already defined at %s", login, prev)
			return
		}
		logins[key] = path
	}

	for i := range s.Employers {
		e := &s.Employers[i]
		p := fmt.Sprintf("employers[%d]", i)
		if e.ID == "" {
			c.errorf(p+".id", "missing employer id")
		} else if ix.employers[e.ID] != nil {
			c.errorf(p+".id", "employer %q defined twice", e.ID)
		}
		ix.employers[e.ID] = e
		if e.Name == "" {
			c.errorf(p+".name", "missing employer name")
		}
		if len(e.Domains) == 0 {
			c.errorf(p+".domains", "an employer needs at least one mail domain")
		}
		for j, d := range e.Domains {
			if !strings.Contains(d, ".") || strings.Contains(d, "@") {
				c.errorf(fmt.Sprintf("%s.domains[%d]", p, j), "%q is not a mail domain", d)
			}
		}
		if e.Org != "" {
			claim(p+".org", e.Org)
			ix.orgs[e.Org] = true
		}
	}
	for i := range s.Orgs {
		o := &s.Orgs[i]
		p := fmt.Sprintf("orgs[%d]", i)
		claim(p+".login", o.Login)
		ix.orgs[o.Login] = true
		c.sponsors(p+".sponsors", o.Sponsors)
	}
	for i := range s.People {
		ps := &s.People[i]
		p := fmt.Sprintf("people[%d]", i)
		claim(p+".login", ps.Login)
		ix.people[ps.Login] = ps
		if ps.Type != "" && ps.Type != "User" && ps.Type != "Bot" {
			c.errorf(p+".type", "type %q: want User or Bot", ps.Type)
		}
		if _, err := parseUTC(ps.UTC); err != nil {
			c.errorf(p+".utc", "%v", err)
		}
		for j, e := range ps.Emails {
			if !strings.Contains(e, "@") {
				c.errorf(fmt.Sprintf("%s.emails[%d]", p, j), "%q is not an email address", e)
			}
		}
		for j, e := range ps.Unlinked {
			if !strings.Contains(e, "@") {
				c.errorf(fmt.Sprintf("%s.unlinked[%d]", p, j), "%q is not an email address", e)
			}
		}
		if ps.Mail != "" && ps.Mail != "noreply" && !strings.Contains(ps.Mail, ".") {
			c.errorf(p+".mail", "%q: want a mail domain such as gmail.com, or noreply", ps.Mail)
		}
		for j, o := range ps.Orgs {
			if !ix.orgs[o] {
				c.errorf(fmt.Sprintf("%s.orgs[%d]", p, j), "unknown organisation %q", o)
			}
		}
		if ps.Type == "Bot" && len(ps.Employment) > 0 {
			c.errorf(p+".employment", "a bot cannot be employed")
		}
		if ps.Type == "Bot" && ps.Sponsors != nil {
			c.errorf(p+".sponsors", "a bot cannot have a GitHub Sponsors profile")
		}
		c.sponsors(p+".sponsors", ps.Sponsors)
		c.employment(p, ps.Employment, ix)
	}
	for i := range s.Crowds {
		cs := &s.Crowds[i]
		p := fmt.Sprintf("crowds[%d]", i)
		claim(p+".id", cs.ID)
		ix.crowds[cs.ID] = cs
		if cs.Count <= 0 || cs.Count > maxCrowd {
			c.errorf(p+".count", "a crowd needs a count between 1 and %d", maxCrowd)
		}
		for j, u := range cs.UTC {
			if _, err := parseUTC(u); err != nil {
				c.errorf(fmt.Sprintf("%s.utc[%d]", p, j), "%v", err)
			}
		}
		for j, m := range cs.Mail {
			if m != "noreply" && !strings.Contains(m, ".") {
				c.errorf(fmt.Sprintf("%s.mail[%d]", p, j), "%q: want a mail domain such as gmail.com, or noreply", m)
			}
		}
		for j, o := range cs.Orgs {
			if !ix.orgs[o] {
				c.errorf(fmt.Sprintf("%s.orgs[%d]", p, j), "unknown organisation %q", o)
			}
		}
		if cs.OrgShare < 0 || cs.OrgShare > 1 {
			c.errorf(p+".org_share", "%v is not a share between 0 and 1", cs.OrgShare)
		}
		if cs.Unlinked < 0 || cs.Unlinked > 1 {
			c.errorf(p+".unlinked", "%v is not a share between 0 and 1", cs.Unlinked)
		}
		c.employment(p, cs.Employment, ix)
	}

	start := s.start(checkEnd)
	repos := map[string]bool{}
	for i := range s.Repos {
		c.repo(i, ix, start, repos)
	}
	if c.more > 0 {
		c.errs = append(c.errs, &Error{File: c.s.fileName(), Msg: fmt.Sprintf("%d more errors not shown", c.more)})
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return ix, nil
}

func (c *checker) employment(p string, emps []EmploymentSpec, ix *index) {
	for j, e := range emps {
		ep := fmt.Sprintf("%s.employment[%d]", p, j)
		if ix.employers[e.Employer] == nil {
			c.errorf(ep+".employer", "unknown employer %q", e.Employer)
		}
		if !e.From.Set {
			c.errorf(ep+".from", "missing start date")
			continue
		}
		from, to := e.From.At(checkEnd), checkEnd
		if e.To.Set {
			to = e.To.At(checkEnd)
		}
		if !from.Before(to) {
			c.errorf(ep+".to", "employment ends (%s) before it starts (%s)", orZero(e.To), e.From)
		}
		if e.Email != "" && !strings.Contains(e.Email, "@") {
			c.errorf(ep+".email", "%q is not an email address", e.Email)
		}
		for k := range j {
			o := emps[k]
			if !o.From.Set {
				continue
			}
			ofrom, oto := o.From.At(checkEnd), checkEnd
			if o.To.Set {
				oto = o.To.At(checkEnd)
			}
			if from.Before(oto) && ofrom.Before(to) {
				c.errorf(ep, "overlaps employment[%d] (%s from %s to %s): one person has one employer at a time", k, o.Employer, o.From, orZero(o.To))
			}
		}
	}
}

// maxSponsors bounds sponsor counts; the most-sponsored accounts on GitHub
// have a few thousand.
const maxSponsors = 1_000_000

// Goal kinds as written in scenarios, and the GraphQL enum each stands for.
var goalKinds = map[string]string{
	"sponsors": "TOTAL_SPONSORS_COUNT",
	"monthly":  "MONTHLY_SPONSORSHIP_AMOUNT",
}

func (c *checker) sponsors(p string, sp *SponsorsSpec) {
	if sp == nil {
		return
	}
	for _, n := range []struct {
		key string
		v   int
	}{{"public", sp.Public}, {"private", sp.Private}} {
		if n.v < 0 || n.v > maxSponsors {
			c.errorf(p+"."+n.key, "%d sponsors: want 0 to %d", n.v, maxSponsors)
		}
	}
	if !sp.Listing && (sp.Public > 0 || sp.Private > 0 || sp.Goal != nil) {
		c.errorf(p+".listing", "sponsors or a goal without a listing: GitHub only lets accounts with a Sponsors listing be sponsored; set listing: true")
	}
	g := sp.Goal
	if g == nil {
		return
	}
	gp := p + ".goal"
	if _, ok := goalKinds[g.Kind]; !ok {
		c.errorf(gp+".kind", "goal kind %q: want sponsors or monthly", g.Kind)
	}
	if g.Target <= 0 || g.Target > maxSponsors {
		c.errorf(gp+".target", "target %d: want 1 to %d", g.Target, maxSponsors)
	}
	switch {
	case g.Monthly != 0 && g.Kind != "monthly":
		c.errorf(gp+".monthly", "monthly applies to kind monthly only (a sponsors goal counts public and private sponsors)")
	case g.Monthly < 0:
		c.errorf(gp+".monthly", "cannot be negative")
	}
}

func orZero(o Offset) string {
	if !o.Set {
		return "0"
	}
	return o.Text
}

func (c *checker) repo(i int, ix *index, start time.Time, seen map[string]bool) {
	r := &c.s.Repos[i]
	p := fmt.Sprintf("repos[%d]", i)
	m := repoRE.FindStringSubmatch(r.Repo)
	if m == nil {
		c.errorf(p+".repo", "%q is not owner/name", r.Repo)
	} else {
		if ix.people[m[1]] == nil && !ix.orgs[m[1]] {
			c.errorf(p+".repo", "owner %q is neither a person nor an organisation of the scenario", m[1])
		} else if ps := ix.people[m[1]]; ps != nil && ps.Type == "Bot" {
			c.errorf(p+".repo", "owner %q is a bot", m[1])
		}
		if seen[strings.ToLower(r.Repo)] {
			c.errorf(p+".repo", "repository %q defined twice", r.Repo)
		}
		seen[strings.ToLower(r.Repo)] = true
	}
	if r.Tier != "" && r.Tier != "critical" {
		c.errorf(p+".tier", "tier %q: want critical or nothing", r.Tier)
	}
	if r.Messages != "" && r.Messages != "plain" && r.Messages != "conventional" {
		c.errorf(p+".messages", "messages %q: want plain or conventional", r.Messages)
	}
	if r.Version != "" && !semverRE.MatchString(r.Version) {
		c.errorf(p+".version", "version %q: want MAJOR.MINOR.PATCH", r.Version)
	}
	if r.Stars < 0 || r.Forks < 0 || r.Watchers < 0 {
		c.errorf(p, "stars, forks and watchers cannot be negative")
	}
	if len(r.Phases) == 0 {
		c.errorf(p+".phases", "a repository needs at least one phase")
	}
	var prevTo time.Time
	for j := range r.Phases {
		ph := &r.Phases[j]
		pp := fmt.Sprintf("%s.phases[%d]", p, j)
		if !ph.From.Set {
			c.errorf(pp+".from", "missing phase start")
			continue
		}
		from, to := ph.From.At(checkEnd), checkEnd
		if ph.To.Set {
			to = ph.To.At(checkEnd)
		}
		switch {
		case !from.Before(to):
			c.errorf(pp+".to", "phase ends (%s) before it starts (%s)", orZero(ph.To), ph.From)
		case from.Before(start):
			c.errorf(pp+".from", "phase starts (%s) before the history does", ph.From)
		case j > 0 && from.Before(prevTo):
			c.errorf(pp+".from", "phase starts (%s) before phases[%d] ends (%s); phases must not overlap", ph.From, j-1, orZero(r.Phases[j-1].To))
		}
		prevTo = to
		if r.Created.Set && from.Before(r.Created.At(checkEnd)) {
			c.errorf(pp+".from", "phase starts (%s) before the repository is created (%s)", ph.From, r.Created)
		}
		if r.Archived.Set && !from.Before(r.Archived.At(checkEnd)) {
			c.errorf(pp+".from", "phase starts (%s) after the repository is archived (%s)", ph.From, r.Archived)
		}
		c.phase(pp, ph, from, ix)
	}
	for j, e := range r.Events {
		ep := fmt.Sprintf("%s.events[%d]", p, j)
		if e.Kind == "" {
			c.errorf(ep+".kind", "missing event kind")
		}
		if !e.Date.Set {
			c.errorf(ep+".date", "missing event date")
		}
		if e.Employer != "" && ix.employers[e.Employer] == nil {
			c.errorf(ep+".employer", "unknown employer %q", e.Employer)
		}
		if e.Person != "" && ix.people[e.Person] == nil {
			c.errorf(ep+".person", "unknown person %q", e.Person)
		}
	}
}

func checkShare(c *checker, path string, v *float64) {
	if v != nil && (*v < 0 || *v > 1) {
		c.errorf(path, "%v is not a share between 0 and 1", *v)
	}
}

func (c *checker) phase(pp string, ph *PhaseSpec, from time.Time, ix *index) {
	humans := 0
	crowdPRs := false
	for k, co := range ph.Contributors {
		cp := fmt.Sprintf("%s.contributors[%d]", pp, k)
		switch {
		case co.Person != "" && co.Crowd != "":
			c.errorf(cp, "give either person or crowd, not both")
		case co.Person != "":
			ps := ix.people[co.Person]
			if ps == nil {
				c.errorf(cp+".person", "unknown person %q", co.Person)
				break
			}
			if ps.Type != "Bot" {
				humans++
			}
			if ps.Created.Set && from.Before(ps.Created.At(checkEnd)) {
				c.errorf(cp+".person", "%q's account is created at %s, after this phase starts", co.Person, ps.Created)
			}
			if co.People != 0 {
				c.errorf(cp+".people", "people applies to crowds only")
			}
		case co.Crowd != "":
			cs := ix.crowds[co.Crowd]
			if cs == nil {
				c.errorf(cp+".crowd", "unknown crowd %q", co.Crowd)
				break
			}
			if co.People < 0 || co.People > cs.Count {
				c.errorf(cp+".people", "%d people, but crowd %q has %d", co.People, co.Crowd, cs.Count)
			}
			if co.PR == nil || *co.PR > 0 {
				crowdPRs = true
			}
		default:
			c.errorf(cp, "missing person or crowd")
		}
		if co.Rate < 0 || co.Rate > maxRate {
			c.errorf(cp+".rate", "rate %v: want 0 to %d a month", co.Rate, maxRate)
		}
		switch co.Habit {
		case "", "office", "evening", "any":
		default:
			c.errorf(cp+".habit", "habit %q: want office, evening or any", co.Habit)
		}
		checkShare(c, cp+".pr", co.PR)
	}
	is := ph.Issues
	if is.Rate < 0 || is.Rate > maxRate {
		c.errorf(pp+".issues.rate", "rate %v: want 0 to %d a month", is.Rate, maxRate)
	}
	if is.Rate > 0 && len(is.Authors) == 0 {
		c.errorf(pp+".issues.authors", "issues need authors (person logins or crowd ids)")
	}
	for k, a := range is.Authors {
		if ix.people[a] == nil && ix.crowds[a] == nil {
			c.errorf(fmt.Sprintf("%s.issues.authors[%d]", pp, k), "unknown person or crowd %q", a)
		}
	}
	c.persons(pp+".issues.responders", is.Responders, ix)
	if len(is.Responders) > 0 && !is.Response.Set {
		c.errorf(pp+".issues.response", "responders given without a median response time (e.g. 12h, or none)")
	}
	checkShare(c, pp+".issues.answered", is.Answered)
	checkShare(c, pp+".issues.close", is.Close)
	if is.CloseAfter.None {
		c.errorf(pp+".issues.close_after", "use close: 0 instead of close_after: none")
	}
	pl := ph.Pulls
	if pl.Share < 0 || pl.Share > 1 {
		c.errorf(pp+".pulls.share", "%v is not a share between 0 and 1", pl.Share)
	}
	c.persons(pp+".pulls.mergers", pl.Mergers, ix)
	if pl.Rejected != nil && *pl.Rejected < 0 {
		c.errorf(pp+".pulls.rejected", "cannot be negative")
	}
	if pl.Merge.None {
		c.errorf(pp+".pulls.merge", "merge: none is not supported; leave the crowd out instead")
	}
	if crowdPRs && len(pl.Mergers) == 0 && humans == 0 {
		c.errorf(pp+".pulls.mergers", "crowd pull requests need someone to merge them: give mergers or a named contributor")
	}
	c.persons(pp+".releases.by", ph.Releases.By, ix)
	if ph.Releases.Every.None {
		c.errorf(pp+".releases.every", "leave every out for no releases")
	} else if ph.Releases.Every.Set && ph.Releases.Every.D < 24*time.Hour {
		c.errorf(pp+".releases.every", "releases every %s: at most one a day", ph.Releases.Every)
	}
	if ph.Releases.Every.Set && len(ph.Releases.By) == 0 && len(pl.Mergers) == 0 && humans == 0 {
		c.errorf(pp+".releases.by", "releases need an author: give by or a named contributor")
	}
	if ph.Releases.Prerelease < 0 || ph.Releases.Prerelease > 1 {
		c.errorf(pp+".releases.prerelease", "%v is not a share between 0 and 1", ph.Releases.Prerelease)
	}
}

// persons checks a list of person logins (humans).
func (c *checker) persons(path string, logins []string, ix *index) {
	for k, l := range logins {
		ps := ix.people[l]
		switch {
		case ps == nil:
			c.errorf(fmt.Sprintf("%s[%d]", path, k), "unknown person %q", l)
		case ps.Type == "Bot":
			c.errorf(fmt.Sprintf("%s[%d]", path, k), "%q is a bot", l)
		}
	}
}
