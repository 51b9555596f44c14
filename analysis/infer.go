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
// the human commits, over the whole history up to at or over its last two
// years (a company that arrived late still counts). It looks only at
// commits up to at, so the past is analysed as it was knowable then.
// Contributions are changed in place; it returns the inferred domains.
func inferOrganisations(cs []Contribution, at time.Time, p *Params) map[string]bool {
	rule := p.Affiliation.Infer
	if rule.MinPeople <= 0 {
		return nil
	}
	recentFrom := at.Add(-2 * time.Duration(p.Windows.Year))
	type use struct {
		commits, recent int
		people          map[string]bool
	}
	uses := map[string]*use{}
	var human, humanRecent int
	for _, c := range cs {
		if c.Class == Bot {
			continue
		}
		human++
		if c.Time.After(recentFrom) {
			humanRecent++
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
		u.commits++
		if c.Time.After(recentFrom) {
			u.recent++
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
		if len(u.people) < rule.MinPeople || u.commits < rule.MinCommits {
			continue
		}
		if share(u.commits, human) >= rule.MinShare || (u.recent >= rule.MinCommits && share(u.recent, humanRecent) >= rule.MinShare) {
			inferred[d] = true
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
