package affiliation

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/internal/strictyaml"
)

//go:embed data/employers.yaml
var employersYAML []byte

type builtinData struct {
	Employers map[string]struct {
		Domains    []string `yaml:"domains"`
		Orgs       []string `yaml:"orgs"`
		Aliases    []string `yaml:"aliases"`
		AcquiredBy *struct {
			Employer string `yaml:"employer"`
			Date     string `yaml:"date"`
		} `yaml:"acquired_by"`
	} `yaml:"employers"`
	Foundations    []string `yaml:"foundations"`
	FoundationOrgs []string `yaml:"foundation_orgs"`
	Generic        []string `yaml:"generic"`
}

type acquisition struct {
	by   string
	from time.Time
}

type builtin struct {
	domains        map[string]string // domain → employer id
	orgs           map[string]string // GitHub org login → employer id
	aliases        map[string]string // normalised company name → employer id
	acquired       map[string]acquisition
	foundations    map[string]bool
	foundationOrgs map[string]bool // GitHub org logins of foundations and projects
	generic        map[string]bool
}

var known = func() *builtin {
	var d builtinData
	if err := strictyaml.Unmarshal("employers.yaml", employersYAML, &d); err != nil {
		panic("affiliation: embedded employers.yaml: " + err.Error())
	}
	b := &builtin{domains: map[string]string{}, orgs: map[string]string{}, aliases: map[string]string{},
		acquired: map[string]acquisition{}, foundations: map[string]bool{}, foundationOrgs: map[string]bool{},
		generic: map[string]bool{}}
	for id, e := range d.Employers {
		b.aliases[id] = id
		for _, dom := range e.Domains {
			b.domains[dom] = id
		}
		for _, o := range e.Orgs {
			b.orgs[strings.ToLower(o)] = id
		}
		for _, a := range e.Aliases {
			b.aliases[normalizeName(a)] = id
		}
		if a := e.AcquiredBy; a != nil {
			t, err := time.Parse(time.DateOnly, a.Date)
			if err != nil {
				panic(fmt.Sprintf("affiliation: employers.yaml: %s: acquired_by.date: %v", id, err))
			}
			b.acquired[id] = acquisition{by: a.Employer, from: t}
		}
	}
	for _, f := range d.Foundations {
		b.foundations[f] = true
	}
	for _, o := range d.FoundationOrgs {
		b.foundationOrgs[strings.ToLower(o)] = true
	}
	for _, g := range d.Generic {
		b.generic[g] = true
	}
	return b
}()

// fold applies acquisitions: an acquired company's work after the deal is
// its buyer's.
func fold(employer string, at time.Time) string {
	for i := 0; i < 5; i++ { // chains (A bought by B bought by C) are short
		a, ok := known.acquired[employer]
		if !ok || at.Before(a.from) {
			return employer
		}
		employer = a.by
	}
	return employer
}

// Lineage is the employer an employer's work ends up with through every
// acquisition, whenever it happened: the identity of one continuous
// employer across a takeover (github and microsoft are one lineage), so an
// exit is not seen as one company leaving and another arriving.
func Lineage(employer string) string {
	return fold(employer, endOfTime)
}

// endOfTime is after every acquisition: folded there, an employer is its
// last buyer.
var endOfTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Inferable reports whether an e-mail domain nothing maps may be inferred
// to be an organisation from the history that uses it: not personal mail,
// not a foundation or built-in employer, not a placeholder, and not a
// non-commercial domain (.org, .edu, .gov, .mil, .int, and academic
// second-level domains like .ac.uk or .edu.au): community, project and
// academic addresses are given to people whoever pays them (samba.org),
// while a company's domain is given to its staff (rethinkdb.com). A
// project's own domain follows the same rule: rethinkdb.com can be its
// company, samba.org is its community's.
func Inferable(domain string) bool {
	d := strings.ToLower(strings.TrimSpace(domain))
	if d == "" || !strings.Contains(d, ".") || IsGenericProvider(d) || IsFoundation(d) {
		return false
	}
	// Placeholders (RFC 2606 and 6761 names) belong to nobody.
	for _, suffix := range []string{".invalid", ".local", ".localdomain", ".localhost", ".test", ".example"} {
		if strings.HasSuffix(d, suffix) {
			return false
		}
	}
	switch d {
	case "example.com", "example.net", "example.org":
		return false
	}
	if _, ok := lookupDomain(known.domains, d); ok {
		return false
	}
	labels := strings.Split(d, ".")
	switch labels[len(labels)-1] {
	case "org", "edu", "gov", "mil", "int":
		return false
	}
	if len(labels) >= 3 {
		switch labels[len(labels)-2] {
		case "ac", "edu", "gov", "org", "mil":
			return false
		}
	}
	return true
}

// Domain returns the lower-cased domain of an e-mail address, "" if none.
func Domain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(email[at+1:]))
}

// parents yields d and its parent domains, most specific first:
// mail.google.com, google.com (never a bare TLD).
func parents(d string) []string {
	var out []string
	for {
		out = append(out, d)
		i := strings.IndexByte(d, '.')
		if i < 0 || strings.IndexByte(d[i+1:], '.') < 0 {
			return out
		}
		d = d[i+1:]
	}
}

func lookupDomain(m map[string]string, d string) (string, bool) {
	for _, p := range parents(d) {
		if v, ok := m[p]; ok {
			return v, true
		}
	}
	return "", false
}

func inSet(m map[string]bool, d string) bool {
	for _, p := range parents(d) {
		if m[p] {
			return true
		}
	}
	return false
}

// IsGenericProvider reports personal-mail domains (and GitHub's noreply).
func IsGenericProvider(domain string) bool {
	domain = strings.ToLower(domain)
	return known.generic[domain] || strings.HasPrefix(domain, "hotmail.") || strings.HasPrefix(domain, "yahoo.") ||
		strings.HasPrefix(domain, "gmx.") || strings.HasPrefix(domain, "outlook.") || inSet(known.generic, domain)
}

// IsFoundation reports foundation and community-project domains.
func IsFoundation(domain string) bool { return inSet(known.foundations, strings.ToLower(domain)) }
