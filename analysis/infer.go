package analysis

import (
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
)

// inferOrganisations turns unknown work from unmapped company domains into
// paid work of an organisation named by the domain. Only the built-in list,
// the affiliation file and profiles name employers; a company domain that
// is on none of them (rethinkdb.com, hpe.com) would otherwise make its
// staff "unknown", a project 91% written by one company "volunteer-only",
// and that company's exit invisible. A domain qualifies when
// affiliation.Inferable says it may be a company's, at least min_people
// people used it, and its unknown work reaches min_commits and min_share of
// the human commits, over the whole history up to at, its last two years
// or its last year (a company that arrived late still counts). It looks only at
// commits up to at, so the past is analysed as it was knowable then.
// Contributions are changed in place; it returns the inferred domains.
func inferOrganisations(cs []Contribution, at time.Time, p *Params) map[string]bool {
	rule := p.Affiliation.Infer
	if rule.MinPeople <= 0 {
		return nil
	}
	// The windows the signals judge: the whole history, the last two
	// years (an exit's baseline and year) and the last year (the paid
	// share, volunteer-only). A company's share is counted over each, so
	// that a company that arrived late is known in the very window where
	// its work is weighed, not a few months after.
	year := time.Duration(p.Windows.Year)
	spans := []time.Time{{}, at.Add(-2 * year), at.Add(-year)}
	type use struct {
		commits [3]int
		people  map[string]bool
	}
	uses := map[string]*use{}
	var human [3]int
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		for i, from := range spans {
			if c.Time.After(from) {
				human[i]++
			}
		}
		if c.Class != Unknown || c.Person == "" || c.Domain == "" {
			continue
		}
		u := uses[c.Domain]
		if u == nil {
			if !affiliation.Inferable(c.Domain) {
				continue
			}
			u = &use{people: map[string]bool{}}
			uses[c.Domain] = u
		}
		for i, from := range spans {
			if c.Time.After(from) {
				u.commits[i]++
			}
		}
		u.people[c.Person] = true
	}
	share := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	inferred := map[string]bool{}
	for d, u := range uses {
		if len(u.people) < rule.MinPeople {
			continue
		}
		for i := range spans {
			if u.commits[i] >= rule.MinCommits && share(u.commits[i], human[i]) >= rule.MinShare {
				inferred[d] = true
			}
		}
	}
	if len(inferred) == 0 {
		return nil
	}
	for i := range cs {
		c := &cs[i]
		if c.Class == Unknown && inferred[c.Domain] {
			c.Class, c.Employer, c.Source = Paid, c.Domain, affiliation.SourceInferred
		}
	}
	return inferred
}
