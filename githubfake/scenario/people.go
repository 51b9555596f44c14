package scenario

// The people of a world: named people with their jobs and addresses, the
// crowd of occasional contributors, and the organisations and accounts
// they belong to.

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
		case r < paidCorporateMail:
			return j.email
		case r < paidPersonalMail && len(p.personal) > 0:
			return p.personal[0]
		}
		return p.noreply
	}
	switch {
	case len(p.personal) > 1 && r < unpaidSecondaryMail:
		return p.personal[1+rng.IntN(len(p.personal)-1)]
	case len(p.personal) > 0 && r < unpaidPersonalMail:
		return p.personal[0]
	}
	return p.noreply
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
		if rng.Float64() < crowdPublicEmail && !strings.HasSuffix(email, "noreply.github.com") {
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

func (x *expander) persons(logins []string) []*person {
	var ps []*person
	for _, l := range logins {
		ps = append(ps, x.people[l])
	}
	return ps
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
