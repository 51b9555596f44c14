package affiliation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeCompany(t *testing.T) {
	tests := []struct{ in, want string }{
		// The same company as people write it.
		{"@google", "google"},
		{"Google", "google"},
		{"GOOGLE", "google"},
		{"Google LLC", "google"},
		{"Google, Inc.", "google"},
		{"google.com", "google"},
		{"Google.com", "google"},
		{"https://google.com", "google"},
		{"https://www.google.com/about/", "google"},
		{"www.google.com", "google"},
		{"mail.google.com", "google"},
		{"Alphabet", "google"},
		{"  microsoft corporation ", "microsoft"},
		{"Microsoft Corp.", "microsoft"},
		{"@Microsoft", "microsoft"},
		{"@azure", "microsoft"},
		{"Red Hat, Inc.", "redhat"},
		{"Red Hat", "redhat"},
		{"@RedHatOfficial", "redhat"},
		{"@redhat-developer", "redhat"},
		{"redhat.com", "redhat"},
		{"IBM", "ibm"},
		{"@ibm", "ibm"},
		{"Amazon Web Services", "amazon"},
		{"AWS", "amazon"},
		{"Amazon.com, Inc.", "amazon"},
		{"@awslabs", "amazon"},
		{"Meta Platforms, Inc.", "meta"},
		{"Facebook", "meta"},
		{"Sun Microsystems", "sun"}, // folded into Oracle by date, not here
		{"Catalyst IT Ltd", "catalyst"},
		{"SerNet GmbH", "sernet"},
		{"Google APIs", "google"},
		{"googleapis", "google"},
		{"https://github.com/acme-corp", "acme"},
		{"github.com/googlecloudplatform", "google"},
		// Unknown companies get a stable id.
		{"Umbrella Cloud", "umbrellacloud"},
		{"@umbrellacloud", "umbrellacloud"},
		{"ACME Corp.", "acme"},
		{"@acme-corp", "acme"},
		{"acme-corp.io", "acme"},
		{"acme.co.uk", "acme"},
		{"The Walt Disney Company", "waltdisney"},
		{"Soylent Systems Ltd", "soylent"},
		{"Procter & Gamble", "proctergamble"},
		{"Procter and Gamble", "proctergamble"},
		{"AT&T", "att"},
		{"Initech", "initech"},
		{"İstanbul Tech", "istanbultech"},
		// Several companies: the first current one counts.
		{"@acme, ex-@globex", "acme"},
		{"@acme & @globex", "acme"},
		{"@acme and @globex", "acme"},
		{"Microsoft | ex-Google", "microsoft"},
		{"ex-Google, @stripe", "stripe"},
		{"Intel; Linux Foundation", "intel"},
		{"ex-Google", ""},
		{"Formerly Red Hat", ""},
		// Nobody pays, or nothing is said.
		{"Independent", ""},
		{"self-employed", ""},
		{"Self Employed", ""},
		{"@self", ""},
		{"Freelance", ""},
		{"Freelance developer", ""},
		{"Independent Consultant", ""},
		{"Student", ""},
		{"n/a", ""},
		{"N.A.", ""},
		{"-", ""},
		{"None", ""},
		{"Unknown", ""},
		{"TBD", ""},
		{"", ""},
		{"   ", ""},
		{"???", ""},
		{"—", ""},
		// Foundations, projects and personal mail never employ.
		{"The Apache Software Foundation", ""},
		{"@apache", ""},
		{"apache.org", ""},
		{"https://www.apache.org/", ""},
		{"Linux Foundation", ""},
		{"@kubernetes", ""},
		{"FastJSON project", ""},
		{"Rust Team", ""},
		{"gmail.com", ""},
		{"@gmail.com", ""},
		{"mozilla.org", ""},
		{"mozilla.com", "mozillacorp"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		if seen[tc.in] {
			t.Fatalf("duplicate case %q", tc.in)
		}
		seen[tc.in] = true
		t.Run(tc.in, func(t *testing.T) {
			got := NormalizeCompany(tc.in)
			if got != tc.want {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := NormalizeCompany(got); again != got {
				t.Errorf("not idempotent: NormalizeCompany(%q) = %q", got, again)
			}
		})
	}
}

func TestIndependent(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Independent", true},
		{"independent", true},
		{"  INDEPENDENT  ", true},
		{"Independent consultant", true},
		{"@self", true},
		{"Self", true},
		{"self-employed", true},
		{"Self Employed", true},
		{"selfemployed", true},
		{"Self-employed software engineer", true},
		{"Freelance", true},
		{"Freelancer", true},
		{"freelance developer", true},
		{"Freelance, ex-@google", true},
		{"ex-Google, Freelance", true},
		{"N,A", true},
		{"Student", true},
		{"Retired", true},
		{"n/a", true},
		{"N/A", true},
		{"N.A.", true},
		{"-", true},
		{"None", true},
		{"Open Source", true},
		{"open-source enthusiast", true},
		{"Hobbyist", true},
		{"Volunteer", true},
		{"", false},
		{"   ", false},
		{"Unknown", false}, // says nothing, not that nobody pays
		{"Google", false},
		{"@acme, freelance", false},
		{"Selfridges", false},
		{"Independent Bank Corp", true}, // a known false positive of the prefix rule
		{"Studentenwerk", false},
		{"ex-Google", false},
		{"@apache", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := Independent(tc.in); got != tc.want {
				t.Errorf("Independent(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if tc.want && NormalizeCompany(tc.in) != "" {
				t.Errorf("Independent(%q) but NormalizeCompany gives %q", tc.in, NormalizeCompany(tc.in))
			}
		})
	}
}

func TestDomainAndLabels(t *testing.T) {
	tests := []struct {
		email, domain, label string
		generic, foundation  bool
	}{
		{"alice@Google.COM", "google.com", "google", false, false},
		{"alice@acme-corp.io", "acme-corp.io", "acme corp", false, false},
		{"alice@mail.acme.co.uk", "mail.acme.co.uk", "acme", false, false},
		{"alice@acme.com.au", "acme.com.au", "acme", false, false},
		{"alice@acme.co", "acme.co", "acme", false, false},
		{"a@b@gmail.com", "gmail.com", "gmail", true, false},
		{"alice@googlemail.com", "googlemail.com", "googlemail", true, false},
		{"alice@yahoo.co.in", "yahoo.co.in", "yahoo", true, false},
		{"alice@hotmail.es", "hotmail.es", "hotmail", true, false},
		{"123+bob@users.noreply.github.com", "users.noreply.github.com", "github", true, false},
		{"bob@github.com", "github.com", "github", false, false},
		{"bob@apache.org", "apache.org", "apache", false, true},
		{"bob@people.apache.org", "people.apache.org", "apache", false, true},
		{"bob@gcc.gnu.org", "gcc.gnu.org", "gnu", false, true},
		{"bob@samba.org", "samba.org", "samba", false, true},
		{"bob@notsamba.org", "notsamba.org", "notsamba", false, false},
		{"no-at-sign", "", "", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.email, func(t *testing.T) {
			d := Domain(tc.email)
			if d != tc.domain {
				t.Fatalf("Domain = %q, want %q", d, tc.domain)
			}
			if got := domainLabel(d); got != tc.label {
				t.Errorf("domainLabel(%q) = %q, want %q", d, got, tc.label)
			}
			if got := IsGenericProvider(d); got != tc.generic {
				t.Errorf("IsGenericProvider(%q) = %v, want %v", d, got, tc.generic)
			}
			if got := IsFoundation(d); got != tc.foundation {
				t.Errorf("IsFoundation(%q) = %v, want %v", d, got, tc.foundation)
			}
		})
	}
}

// A huge profile field becomes a bounded name.
func TestNormalizeCompanyBoundsHugeInput(t *testing.T) {
	t.Parallel()
	huge := "Acme " + strings.Repeat("Widgets ", 300_000/8)
	got := NormalizeCompany(huge)
	if got == "" || len(got) > maxCompanyBytes || !strings.HasPrefix(got, "acme") {
		t.Errorf("NormalizeCompany(300 KB) = %.40q (%d bytes)", got, len(got))
	}
	if got := NormalizeCompany(strings.Repeat("é", 200)); !utf8.ValidString(got) {
		t.Errorf("cut inside a rune: %q", got)
	}
}
