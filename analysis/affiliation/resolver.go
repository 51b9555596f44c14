// Package affiliation answers who pays for a contribution, with the
// evidence for the answer. Sources are tried in order and the first that
// answers wins: the user's affiliation file (date-ranged), built-in
// corporate domains, domains learned from the profiles of the people using
// them, the GitHub profile company, public membership of a known company
// organisation. Foundations and personal-mail providers are never
// employers.
package affiliation

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

// Source says where an answer came from.
type Source string

// The sources, in the order they are tried.
const (
	SourceFile          Source = "file"
	SourceDomain        Source = "domain"
	SourceLearnedDomain Source = "learned-domain"
	SourceProfile       Source = "profile"
	SourceOrg           Source = "org"
	// SourceInferred is an organisation inferred by the analysis from a
	// history's own e-mail domains (see Inferable); it is named by the
	// domain. The resolver never answers with it.
	SourceInferred Source = "inferred-domain"
)

// Answer is who pays, and why fundwatch thinks so.
type Answer struct {
	Employer string // normalised id; "" = no employer found
	Source   Source
	Evidence string
	// Independent is positive evidence that nobody pays: the file or
	// the profile says independent, freelance, student, ...
	Independent bool
}

// Options configure a resolver.
type Options struct {
	File *File
	// Projects are names of watched owners and repositories: a domain
	// named like one (fastjson.org for fastjson/fastjson) is the project's
	// own and never an employer's.
	Projects []string
}

// Resolver resolves affiliations.
type Resolver struct {
	file     *File
	projects map[string]bool
	learned  map[string]learnedDomain
}

type learnedDomain struct {
	employer, evidence string
}

// NewResolver returns a resolver that knows only the file and the
// built-in data until Learn is called.
func NewResolver(opts Options) *Resolver {
	r := &Resolver{file: opts.File, projects: map[string]bool{}, learned: map[string]learnedDomain{}}
	for _, p := range opts.Projects {
		r.projects[normalizeName(p)] = true
		r.projects[strings.ReplaceAll(normalizeName(p), " ", "")] = true
	}
	return r
}

// learnable reports whether a domain may be learned as an employer's: not
// personal mail, not a foundation, not built in already, not .org (project
// and non-profit addresses: those come from the file or the built-in list),
// not a watched project's own.
func (r *Resolver) learnable(d string) bool {
	if d == "" || IsGenericProvider(d) || IsFoundation(d) || strings.HasSuffix(d, ".org") {
		return false
	}
	if _, ok := lookupDomain(known.domains, d); ok {
		return false
	}
	return !r.projects[domainLabel(d)]
}

// domainLabel is the name part of a domain: "acme-corp.io" → "acme corp",
// "mail.acme.co.uk" → "acme".
func domainLabel(d string) string {
	parts := nameLabels(d)
	return normalizeName(parts[len(parts)-1])
}

// Learn finds corporate domains from the people who use them: a domain
// belongs to employer E when most of its users whose profile names a
// company name E, or when the domain's name is E's name as some profile
// writes it (acme-corp.io ↔ "ACME Corp."). emailsByLogin maps lower-cased
// logins to the e-mails they commit with.
func (r *Resolver) Learn(users []store.User, emailsByLogin map[string][]string) {
	companyOf := map[string]string{}
	named := map[string]bool{} // every employer some profile names
	for _, u := range users {
		if u.Type == "Bot" {
			continue
		}
		if c := NormalizeCompany(u.Company); c != "" {
			companyOf[strings.ToLower(u.Login)] = c
			named[c] = true
		}
	}
	votes := map[string]map[string]int{} // domain → employer → users
	users1 := map[string]int{}           // domain → users with any company
	for login, emails := range emailsByLogin {
		seen := map[string]bool{}
		for _, e := range emails {
			d := Domain(e)
			if seen[d] || !r.learnable(d) {
				continue
			}
			seen[d] = true
			if c, ok := companyOf[strings.ToLower(login)]; ok {
				if votes[d] == nil {
					votes[d] = map[string]int{}
				}
				votes[d][c]++
				users1[d]++
			}
		}
	}
	for d, vs := range votes {
		best, n := "", 0
		for c, k := range vs {
			if k > n || (k == n && c < best) {
				best, n = c, k
			}
		}
		if 2*n > users1[d] {
			r.learned[d] = learnedDomain{best, fmt.Sprintf("domain %s: %d of %d of its users' profiles name %s", d, n, users1[d], best)}
		}
	}
	// The label rule covers domains whose users' profiles are silent or
	// have moved on (people who left a company keep its old address in
	// history).
	var all []string
	for _, emails := range emailsByLogin {
		for _, e := range emails {
			all = append(all, Domain(e))
		}
	}
	sort.Strings(all)
	for _, d := range all {
		if _, done := r.learned[d]; done || !r.learnable(d) {
			continue
		}
		label := NormalizeCompany(domainLabel(d))
		if label != "" && named[label] {
			r.learned[d] = learnedDomain{label, fmt.Sprintf("domain %s is named like employer %s in profiles", d, label)}
		}
	}
}

// Resolve answers who paid for a contribution made with email at time at,
// by the account user (nil when GitHub links none).
func (r *Resolver) Resolve(email string, user *store.User, at time.Time) Answer {
	d := Domain(email)
	if p, key, ok := r.file.lookup(email, at); ok {
		ev := fmt.Sprintf("%s:%d (%s)", r.file.name, p.line, key)
		switch {
		case p.independent:
			return Answer{Source: SourceFile, Evidence: ev, Independent: true}
		case p.unknown:
			return Answer{Source: SourceFile, Evidence: ev}
		default:
			return Answer{Employer: fold(p.employer, at), Source: SourceFile, Evidence: ev}
		}
	}
	if d != "" && !IsGenericProvider(d) && !IsFoundation(d) {
		if e, ok := lookupDomain(known.domains, d); ok {
			return Answer{Employer: fold(e, at), Source: SourceDomain, Evidence: "e-mail domain " + d}
		}
		for _, p := range parents(d) {
			if l, ok := r.learned[p]; ok {
				return Answer{Employer: fold(l.employer, at), Source: SourceLearnedDomain, Evidence: l.evidence}
			}
		}
	}
	if user == nil {
		return Answer{}
	}
	if Independent(user.Company) {
		return Answer{Source: SourceProfile, Evidence: fmt.Sprintf("profile company %q", user.Company), Independent: true}
	}
	if c := NormalizeCompany(user.Company); c != "" {
		return Answer{Employer: fold(c, at), Source: SourceProfile, Evidence: fmt.Sprintf("profile company %q", user.Company)}
	}
	for _, o := range user.Orgs {
		if e, ok := known.orgs[strings.ToLower(o)]; ok {
			return Answer{Employer: fold(e, at), Source: SourceOrg, Evidence: "public member of GitHub organisation " + o}
		}
	}
	return Answer{}
}
