package analysis

import (
	"testing"
)

// A domain nothing maps becomes an organisation when several people used
// it for a real share of the work; never a provider, a non-commercial or a
// placeholder domain, nor one person's own.
func TestInferOrganisations(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	unknown := func(person, domain string, n, fromDays, toDays int) []Contribution {
		cs := contributions(work{person, "", Unknown, n, fromDays, toDays})
		for i := range cs {
			cs[i].Domain = domain
		}
		return cs
	}
	tests := []struct {
		name string
		cs   []Contribution
		want string // the inferred domain, "" for none
	}{
		{"a company's staff", join(unknown("a", "rethinkdb.com", 60, 700, 0), unknown("b", "rethinkdb.com", 40, 700, 0), unknown("v", "gmail.com", 20, 700, 0)), "rethinkdb.com"},
		{"one person's own domain", join(unknown("a", "kernel.dk", 100, 700, 0), unknown("v", "gmail.com", 20, 700, 0)), ""},
		{"a mail provider", join(unknown("a", "gmail.com", 60, 700, 0), unknown("b", "gmail.com", 40, 700, 0)), ""},
		{"a community address", join(unknown("a", "samba.org", 60, 700, 0), unknown("b", "samba.org", 40, 700, 0)), ""},
		{"an academic address", join(unknown("a", "cs.ox.ac.uk", 60, 700, 0), unknown("b", "cs.ox.ac.uk", 40, 700, 0)), ""},
		{"a placeholder", join(unknown("a", "build.example", 60, 700, 0), unknown("b", "build.example", 40, 700, 0)), ""},
		{"too small a share", join(unknown("a", "acme.io", 12, 3000, 2000), unknown("b", "acme.io", 10, 3000, 2000), unknown("v", "gmail.com", 900, 3000, 0)), ""},
		// A late company counts by the last two years.
		{"a company that arrived late", join(unknown("v", "gmail.com", 2000, 5000, 800), unknown("a", "hpe.com", 20, 300, 0), unknown("b", "hpe.com", 20, 300, 0)), "hpe.com"},
		// ... and by the last year, the window where the paid share is
		// weighed: under min_share of two years, over it of one.
		{"a company known in the year its work is weighed", join(unknown("v", "gmail.com", 3000, 5000, 365), unknown("w", "gmail.com", 400, 365, 0),
			unknown("a", "acme.io", 15, 300, 0), unknown("b", "acme.io", 15, 300, 0)), "acme.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := inferOrganisations(tt.cs, at, p)
			if (tt.want == "") != (len(got) == 0) || (tt.want != "" && (!got[tt.want] || len(got) != 1)) {
				t.Fatalf("inferred %v, want %q", got, tt.want)
			}
			for _, c := range tt.cs {
				if inferred := c.Domain == tt.want; inferred != (c.Class == Paid) || (inferred && (c.Employer != tt.want || c.Source != "inferred-domain")) {
					t.Errorf("contribution %+v after inference", c)
					break
				}
			}
		})
	}
}
