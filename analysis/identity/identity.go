// Package identity works out which e-mails and logins belong to one
// person. It merges only on evidence GitHub or the project gives — the
// login GitHub links to a commit's e-mail, GitHub noreply addresses, and
// .mailmap — and never on a name alone: two "John Smith"s are two people.
package identity

import (
	"sort"
	"strings"
)

// Person is one human (or bot) behind several e-mails and logins.
type Person struct {
	// ID is stable and deterministic: "login:<lowest login>", else
	// "email:<lowest e-mail>" (lower-cased).
	ID     string
	Logins []string
	Emails []string
	Names  []string
	Bot    bool
}

// Resolver collects observations; Build turns them into a Directory.
type Resolver struct {
	mm     *Mailmap
	parent map[string]string // union-find over "l:login" and "e:email" nodes
	names  map[string]map[string]bool
	bot    map[string]bool
}

// NewResolver returns an empty resolver; mm may be nil.
func NewResolver(mm *Mailmap) *Resolver {
	return &Resolver{mm: mm, parent: map[string]string{}, names: map[string]map[string]bool{}, bot: map[string]bool{}}
}

func (r *Resolver) find(x string) string {
	p, ok := r.parent[x]
	if !ok {
		r.parent[x] = x
		return x
	}
	if p == x {
		return x
	}
	root := r.find(p)
	r.parent[x] = root
	return root
}

func (r *Resolver) union(a, b string) {
	ra, rb := r.find(a), r.find(b)
	if ra == rb {
		return
	}
	// Deterministic: the smaller key becomes the root.
	if rb < ra {
		ra, rb = rb, ra
	}
	r.parent[rb] = ra
}

// canonicalEmail applies .mailmap and lower-cases.
func (r *Resolver) canonicalEmail(name, email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if r.mm != nil {
		if c := r.mm.canonical(name, email); c != "" {
			return c
		}
	}
	return email
}

// Observe records one author or committer occurrence. login may be empty
// (GitHub linked no account), and so may email (rare, malformed data).
func (r *Resolver) Observe(login, email, name string) {
	login = strings.ToLower(strings.TrimSpace(login))
	raw := strings.ToLower(strings.TrimSpace(email))
	email = r.canonicalEmail(name, email)
	var nodes []string
	if login != "" {
		nodes = append(nodes, "l:"+login)
	}
	if email != "" {
		nodes = append(nodes, "e:"+email)
		if nl := NoreplyLogin(email); nl != "" {
			nodes = append(nodes, "l:"+nl)
		}
	}
	if raw != "" && raw != email {
		// The alias e-mail belongs to the canonical one's person.
		nodes = append(nodes, "e:"+raw)
	}
	if len(nodes) == 0 {
		return
	}
	for _, n := range nodes {
		r.find(n)
	}
	for _, n := range nodes[1:] {
		r.union(nodes[0], n)
	}
	if name = strings.TrimSpace(name); name != "" {
		if r.names[nodes[0]] == nil {
			r.names[nodes[0]] = map[string]bool{}
		}
		r.names[nodes[0]][name] = true
	}
	if IsBot(login, email, name, "") {
		r.bot[nodes[0]] = true
	}
}

// NoreplyLogin returns the login of a GitHub noreply address
// ("ID+login@users.noreply.github.com" or "login@users.noreply.github.com"),
// or "".
func NoreplyLogin(email string) string {
	local, ok := strings.CutSuffix(strings.ToLower(email), "@users.noreply.github.com")
	if !ok || local == "" {
		return ""
	}
	if _, after, found := strings.Cut(local, "+"); found {
		local = after
	}
	return local
}

// Directory answers who a login or e-mail is.
type Directory struct {
	byNode map[string]*Person
	byID   map[string]*Person
	people []*Person
	mm     *Mailmap
}

// Build freezes the observations into people.
func (r *Resolver) Build() *Directory {
	groups := map[string][]string{}
	for n := range r.parent {
		root := r.find(n)
		groups[root] = append(groups[root], n)
	}
	d := &Directory{byNode: map[string]*Person{}, byID: map[string]*Person{}, mm: r.mm}
	for _, nodes := range groups {
		sort.Strings(nodes)
		p := &Person{}
		names := map[string]bool{}
		for _, n := range nodes {
			switch {
			case strings.HasPrefix(n, "l:"):
				p.Logins = append(p.Logins, n[2:])
			case strings.HasPrefix(n, "e:"):
				p.Emails = append(p.Emails, n[2:])
			}
			for nm := range r.names[n] {
				names[nm] = true
			}
			p.Bot = p.Bot || r.bot[n]
			d.byNode[n] = p
		}
		for nm := range names {
			p.Names = append(p.Names, nm)
		}
		sort.Strings(p.Names)
		if len(p.Logins) > 0 {
			p.ID = "login:" + p.Logins[0]
		} else {
			p.ID = "email:" + p.Emails[0]
		}
		for _, l := range p.Logins {
			p.Bot = p.Bot || IsBot(l, "", "", "")
		}
		d.people = append(d.people, p)
		d.byID[p.ID] = p
	}
	sort.Slice(d.people, func(i, j int) bool { return d.people[i].ID < d.people[j].ID })
	return d
}

// Lookup returns the person behind a login or e-mail (the login wins when
// both are known), or nil when neither was observed.
func (d *Directory) Lookup(login, email string) *Person {
	if login = strings.ToLower(strings.TrimSpace(login)); login != "" {
		if p := d.byNode["l:"+login]; p != nil {
			return p
		}
	}
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" {
		if p := d.byNode["e:"+email]; p != nil {
			return p
		}
		if d.mm != nil {
			if c := d.mm.canonical("", email); c != "" {
				if p := d.byNode["e:"+c]; p != nil {
					return p
				}
			}
		}
		if nl := NoreplyLogin(email); nl != "" {
			return d.byNode["l:"+nl]
		}
	}
	return nil
}

// ByID returns the person with the given ID, or nil.
func (d *Directory) ByID(id string) *Person { return d.byID[id] }

// People returns everyone, ordered by ID.
func (d *Directory) People() []*Person { return d.people }
