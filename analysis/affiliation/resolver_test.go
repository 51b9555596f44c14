package affiliation

import (
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
	"gopkg.in/yaml.v3"
)

func mustParse(t *testing.T, data string) *File {
	t.Helper()
	f, err := ParseFile("aff.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestResolve(t *testing.T) {
	file := mustParse(t, `
alice@google.com     Microsoft
bob@example.org      Independent
carol@example.org    (Unknown)
dan@samba.org        SerNet      < 2019-01-01
dan@samba.org        Catalyst IT
erin@x.com           Sun Microsystems < 2011-01-01
github.com           Globex
`)
	r := NewResolver(Options{File: file, Projects: []string{"fastjson"}})
	at := day("2024-06-01")
	user := func(company string, orgs ...string) *store.User {
		return &store.User{Login: "u", Company: company, Orgs: orgs}
	}
	tests := []struct {
		name  string
		email string
		user  *store.User
		at    time.Time
		want  Answer
	}{
		// Source order: file, built-in domain, profile company, org.
		{"file beats built-in domain and profile", "alice@google.com", user("Intel", "google"), at,
			Answer{Employer: "microsoft", Source: SourceFile, Evidence: "aff.txt:2 (alice@google.com)"}},
		{"file domain key beats built-in domain", "someone@github.com", user("Intel"), at,
			Answer{Employer: "globex", Source: SourceFile, Evidence: "aff.txt:8 (github.com)"}},
		{"built-in domain beats profile", "bob@google.com", user("Intel", "microsoft"), at,
			Answer{Employer: "google", Source: SourceDomain, Evidence: "e-mail domain google.com"}},
		{"built-in subdomain", "bob@linux.intel.com", nil, at,
			Answer{Employer: "intel", Source: SourceDomain, Evidence: "e-mail domain linux.intel.com"}},
		{"built-in parent domain", "bob@eng.google.com", nil, at,
			Answer{Employer: "google", Source: SourceDomain, Evidence: "e-mail domain eng.google.com"}},
		{"upper-case address", "Bob@Google.COM", nil, at,
			Answer{Employer: "google", Source: SourceDomain, Evidence: "e-mail domain google.com"}},
		{"profile beats org", "carl@gmail.com", user("Intel", "google"), at,
			Answer{Employer: "intel", Source: SourceProfile, Evidence: `profile company "Intel"`}},
		{"profile normalised", "carl@gmail.com", user("Google, Inc."), at,
			Answer{Employer: "google", Source: SourceProfile, Evidence: `profile company "Google, Inc."`}},
		{"unknown profile company still an employer", "carl@gmail.com", user("Umbrella Cloud"), at,
			Answer{Employer: "umbrellacloud", Source: SourceProfile, Evidence: `profile company "Umbrella Cloud"`}},
		{"org membership last", "carl@gmail.com", user("", "some-club", "Microsoft", "google"), at,
			Answer{Employer: "microsoft", Source: SourceOrg, Evidence: "public member of GitHub organisation Microsoft"}},
		{"unknown orgs only", "carl@gmail.com", user("", "some-club"), at, Answer{}},
		{"foundation org is no employer", "carl@gmail.com", user("", "apache"), at, Answer{}},
		{"no user, personal mail", "carl@gmail.com", nil, at, Answer{}},
		{"no e-mail, no user", "", nil, at, Answer{}},
		// Independent.
		{"file says independent", "bob@example.org", user("Google"), at,
			Answer{Source: SourceFile, Evidence: "aff.txt:3 (bob@example.org)", Independent: true}},
		{"profile says independent", "carl@gmail.com", user("Freelance", "google"), at,
			Answer{Source: SourceProfile, Evidence: `profile company "Freelance"`, Independent: true}},
		{"corporate domain beats an independent profile", "carl@intel.com", user("Freelance"), at,
			Answer{Employer: "intel", Source: SourceDomain, Evidence: "e-mail domain intel.com"}},
		// The file's explicit unknown is an answer: later sources are not asked.
		{"file says unknown", "carol@example.org", user("Google"), at,
			Answer{Source: SourceFile, Evidence: "aff.txt:4 (carol@example.org)"}},
		// Date-ranged file entries.
		{"file period before the boundary", "dan@samba.org", nil, day("2018-12-31"),
			Answer{Employer: "sernet", Source: SourceFile, Evidence: "aff.txt:5 (dan@samba.org)"}},
		{"file period on the boundary", "dan@samba.org", nil, day("2019-01-01"),
			Answer{Employer: "catalyst", Source: SourceFile, Evidence: "aff.txt:6 (dan@samba.org)"}},
		{"file past its last end date is unknown", "erin@x.com", user("Google"), day("2012-01-01"),
			Answer{Source: SourceFile, Evidence: "aff.txt:7 (erin@x.com)"}},
		// Foundations and generic providers are never employers.
		{"foundation domain, no user", "dev@apache.org", nil, at, Answer{}},
		{"foundation subdomain falls through to profile", "dev@people.apache.org", user("Red Hat"), at,
			Answer{Employer: "redhat", Source: SourceProfile, Evidence: `profile company "Red Hat"`}},
		{"samba.org without a file entry", "zoe@samba.org", nil, at, Answer{}},
		{"foundation as profile company", "dev@apache.org", user("The Apache Software Foundation"), at, Answer{}},
		{"foundation domain as profile company", "dev@apache.org", user("apache.org"), at, Answer{}},
		{"file key github.com does not cover GitHub noreply", "123+bob@users.noreply.github.com", nil, at, Answer{}},
		{"file key github.com does not cover old-style noreply", "bob@users.noreply.github.com", user("", "google"), at,
			Answer{Employer: "google", Source: SourceOrg, Evidence: "public member of GitHub organisation google"}},
		{"gmail as profile company", "dev@gmail.com", user("gmail.com"), at, Answer{}},
		{"mozilla.org is the foundation", "dev@mozilla.org", nil, at, Answer{}},
		{"mozilla.com is the corporation", "dev@mozilla.com", nil, at,
			Answer{Employer: "mozillacorp", Source: SourceDomain, Evidence: "e-mail domain mozilla.com"}},
		// A watched project's own domain and name.
		{"project domain", "dev@fastjson.org", user("FastJSON project"), at, Answer{}},
		{"project domain, other TLD, unlearned", "dev@fastjson.io", nil, at, Answer{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Resolve(tc.email, tc.user, tc.at); got != tc.want {
				t.Errorf("Resolve(%q)\n got %+v\nwant %+v", tc.email, got, tc.want)
			}
		})
	}
}

func TestResolveWithoutFile(t *testing.T) {
	r := NewResolver(Options{})
	tests := []struct {
		name, email string
		want        Answer
	}{
		{"GitHub noreply is not GitHub the employer", "123+bob@users.noreply.github.com", Answer{}},
		{"github.com is", "bob@github.com", Answer{Employer: "microsoft", Source: SourceDomain, Evidence: "e-mail domain github.com"}},
		{"foundation", "bob@kernel.org", Answer{}},
		{"generic by prefix", "bob@yahoo.com.br", Answer{}},
		{"unknown corporate domain before Learn", "bob@acme.io", Answer{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Resolve(tc.email, nil, day("2024-01-01")); got != tc.want {
				t.Errorf("Resolve(%q)\n got %+v\nwant %+v", tc.email, got, tc.want)
			}
		})
	}
}

func TestResolveAcquisitions(t *testing.T) {
	file := mustParse(t, "erin@x.com Sun Microsystems < 2011-01-01\nfred@x.com VMware\n")
	r := NewResolver(Options{File: file})
	tests := []struct {
		name, email string
		user        *store.User
		at          time.Time
		want        string
		source      Source
	}{
		{"github before the deal", "a@github.com", nil, day("2018-10-25"), "github", SourceDomain},
		{"github on the deal's day", "a@github.com", nil, day("2018-10-26"), "microsoft", SourceDomain},
		{"github after", "a@github.com", nil, day("2024-01-01"), "microsoft", SourceDomain},
		{"sun before", "a@sun.com", nil, day("2009-12-31"), "sun", SourceDomain},
		{"sun after", "a@sun.com", nil, day("2010-01-27"), "oracle", SourceDomain},
		{"vmware before", "a@vmware.com", nil, day("2023-11-21"), "vmware", SourceDomain},
		{"vmware after", "a@vmware.com", nil, day("2023-11-22"), "broadcom", SourceDomain},
		{"hashicorp after", "a@hashicorp.com", nil, day("2025-03-01"), "ibm", SourceDomain},
		{"isovalent after", "a@isovalent.com", nil, day("2024-05-01"), "cisco", SourceDomain},
		{"red hat is not folded into IBM", "a@redhat.com", nil, day("2024-01-01"), "redhat", SourceDomain},
		{"file employer folded", "erin@x.com", nil, day("2010-06-01"), "oracle", SourceFile},
		{"file employer before the deal", "erin@x.com", nil, day("2009-06-01"), "sun", SourceFile},
		{"file open period folded", "fred@x.com", nil, day("2024-01-01"), "broadcom", SourceFile},
		{"profile company folded", "a@gmail.com", &store.User{Company: "Sun Microsystems"}, day("2012-01-01"), "oracle", SourceProfile},
		{"org folded", "a@gmail.com", &store.User{Orgs: []string{"vmware-tanzu"}}, day("2024-01-01"), "broadcom", SourceOrg},
		{"org before the deal", "a@gmail.com", &store.User{Orgs: []string{"vmware-tanzu"}}, day("2022-01-01"), "vmware", SourceOrg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Resolve(tc.email, tc.user, tc.at)
			if got.Employer != tc.want || got.Source != tc.source {
				t.Errorf("Resolve(%q, %s) = %+v, want %s from %s", tc.email, tc.at.Format(time.DateOnly), got, tc.want, tc.source)
			}
		})
	}
}

func TestFoldChain(t *testing.T) {
	// No chain in the built-in data yet; plant one.
	saved := known.acquired
	t.Cleanup(func() { known.acquired = saved })
	known.acquired = map[string]acquisition{
		"a": {by: "b", from: day("2010-01-01")},
		"b": {by: "c", from: day("2015-01-01")},
		"x": {by: "y", from: day("2010-01-01")},
		"y": {by: "x", from: day("2010-01-01")}, // a cycle must not hang
	}
	tests := []struct {
		employer string
		at       time.Time
		want     string
	}{
		{"a", day("2009-01-01"), "a"},
		{"a", day("2012-01-01"), "b"},
		{"a", day("2016-01-01"), "c"},
		{"b", day("2012-01-01"), "b"},
		{"c", day("2016-01-01"), "c"},
		{"other", day("2016-01-01"), "other"},
	}
	for _, tc := range tests {
		t.Run(tc.employer+"@"+tc.at.Format(time.DateOnly), func(t *testing.T) {
			if got := fold(tc.employer, tc.at); got != tc.want {
				t.Errorf("fold = %q, want %q", got, tc.want)
			}
		})
	}
	if got := fold("x", day("2020-01-01")); got != "x" && got != "y" {
		t.Errorf("cycle: fold = %q", got)
	}
}

func TestLearn(t *testing.T) {
	u := func(login, company string) store.User {
		return store.User{Login: login, Company: company, Type: "User"}
	}
	tests := []struct {
		name     string
		projects []string
		users    []store.User
		emails   map[string][]string
		email    string // resolved with no user
		want     Answer
	}{
		{
			name:  "majority of profiles",
			users: []store.User{u("a", "Acme Corp"), u("b", "@acme"), u("c", "ACME"), u("d", "Globex")},
			emails: map[string][]string{"a": {"a@acme.io"}, "b": {"b@acme.io", "b@gmail.com"}, "c": {"c@acme.io"},
				"d": {"d@acme.io"}},
			email: "new@acme.io",
			want:  Answer{Employer: "acme", Source: SourceLearnedDomain, Evidence: "domain acme.io: 3 of 4 of its users' profiles name acme"},
		},
		{
			name:   "learned domain covers its subdomains",
			users:  []store.User{u("a", "Acme"), u("b", "Acme")},
			emails: map[string][]string{"a": {"a@acme.io"}, "b": {"b@acme.io"}},
			email:  "new@eng.acme.io",
			want:   Answer{Employer: "acme", Source: SourceLearnedDomain, Evidence: "domain acme.io: 2 of 2 of its users' profiles name acme"},
		},
		{
			name:   "logins matched case-insensitively",
			users:  []store.User{u("Alice", "Acme")},
			emails: map[string][]string{"alice": {"alice@acme.io"}},
			email:  "new@acme.io",
			want:   Answer{Employer: "acme", Source: SourceLearnedDomain, Evidence: "domain acme.io: 1 of 1 of its users' profiles name acme"},
		},
		{
			name:   "half is no majority",
			users:  []store.User{u("a", "Hooli"), u("b", "Globex")},
			emails: map[string][]string{"a": {"a@mixed.io"}, "b": {"b@mixed.io"}},
			email:  "new@mixed.io",
			want:   Answer{},
		},
		{
			name:   "a user with many addresses votes once",
			users:  []store.User{u("a", "Hooli"), u("b", "Globex")},
			emails: map[string][]string{"a": {"a@mixed.io", "a2@mixed.io", "a3@MIXED.io"}, "b": {"b@mixed.io"}},
			email:  "new@mixed.io",
			want:   Answer{},
		},
		{
			name:   "users without a company do not vote",
			users:  []store.User{u("a", "Hooli"), u("b", ""), u("c", "Freelance")},
			emails: map[string][]string{"a": {"a@hooli.xyz"}, "b": {"b@hooli.xyz"}, "c": {"c@hooli.xyz"}},
			email:  "new@hooli.xyz",
			want:   Answer{Employer: "hooli", Source: SourceLearnedDomain, Evidence: "domain hooli.xyz: 1 of 1 of its users' profiles name hooli"},
		},
		{
			name:   "bots do not vote",
			users:  []store.User{{Login: "bot", Type: "Bot", Company: "Globex"}},
			emails: map[string][]string{"bot": {"bot@ci.io"}},
			email:  "new@ci.io",
			want:   Answer{},
		},
		{
			name:   ".org is never learned",
			users:  []store.User{u("a", "Widgets Inc"), u("b", "Widgets Inc")},
			emails: map[string][]string{"a": {"a@widgets.org"}, "b": {"b@widgets.org"}},
			email:  "new@widgets.org",
			want:   Answer{},
		},
		{
			name:   "generic providers are never learned",
			users:  []store.User{u("a", "Google"), u("b", "Google")},
			emails: map[string][]string{"a": {"a@gmx.net"}, "b": {"b@gmx.net"}},
			email:  "new@gmx.net",
			want:   Answer{},
		},
		{
			name:   "foundations are never learned",
			users:  []store.User{u("a", "Google")},
			emails: map[string][]string{"a": {"a@cncf.io"}},
			email:  "new@cncf.io",
			want:   Answer{},
		},
		{
			name:   "built-in domains are not overridden",
			users:  []store.User{u("a", "Globex"), u("b", "Globex")},
			emails: map[string][]string{"a": {"a@intel.com"}, "b": {"b@intel.com"}},
			email:  "new@intel.com",
			want:   Answer{Employer: "intel", Source: SourceDomain, Evidence: "e-mail domain intel.com"},
		},
		{
			name:     "a project's own domain is never learned",
			projects: []string{"streamkit"},
			users:    []store.User{u("a", "Streamkit Inc"), u("b", "Streamkit Inc")},
			emails:   map[string][]string{"a": {"a@streamkit.io"}, "b": {"b@streamkit.io"}},
			email:    "new@streamkit.io",
			want:     Answer{},
		},
		{
			name:     "a hyphenated project's own domain is never learned",
			projects: []string{"quill-md"},
			users:    []store.User{u("a", "Quill")},
			emails:   map[string][]string{"a": {"a@quillmd.dev"}},
			email:    "new@quillmd.dev",
			want:     Answer{},
		},
		{
			name:     "the same domain when no project is named so",
			projects: []string{"other"},
			users:    []store.User{u("a", "Streamkit Inc"), u("b", "Streamkit Inc")},
			emails:   map[string][]string{"a": {"a@streamkit.io"}, "b": {"b@streamkit.io"}},
			email:    "new@streamkit.io",
			want: Answer{Employer: "streamkit", Source: SourceLearnedDomain,
				Evidence: "domain streamkit.io: 2 of 2 of its users' profiles name streamkit"},
		},
		{
			name:   "label rule: domain named like a profile's company",
			users:  []store.User{u("a", "Initech"), u("b", "")},
			emails: map[string][]string{"a": {"a@gmail.com"}, "b": {"b@initech.com"}},
			email:  "new@initech.com",
			want:   Answer{Employer: "initech", Source: SourceLearnedDomain, Evidence: "domain initech.com is named like employer initech in profiles"},
		},
		{
			name:   "label rule with a hyphen and a legal suffix",
			users:  []store.User{u("a", "ACME Corp.")},
			emails: map[string][]string{"b": {"b@acme-corp.io"}},
			email:  "new@acme-corp.io",
			want:   Answer{Employer: "acme", Source: SourceLearnedDomain, Evidence: "domain acme-corp.io is named like employer acme in profiles"},
		},
		{
			name:   "label rule under a country's second level",
			users:  []store.User{u("a", "Globex")},
			emails: map[string][]string{"b": {"b@globex.co.uk"}},
			email:  "new@globex.co.uk",
			want:   Answer{Employer: "globex", Source: SourceLearnedDomain, Evidence: "domain globex.co.uk is named like employer globex in profiles"},
		},
		{
			name:   "label rule needs a profile naming the company",
			users:  []store.User{u("a", "Hooli")},
			emails: map[string][]string{"b": {"b@initech.com"}},
			email:  "new@initech.com",
			want:   Answer{},
		},
		{
			name:   "label rule never for .org",
			users:  []store.User{u("a", "Quill")},
			emails: map[string][]string{"b": {"b@quill.org"}},
			email:  "new@quill.org",
			want:   Answer{},
		},
		{
			name:   "votes beat the label",
			users:  []store.User{u("a", "Globex"), u("b", "Globex"), u("c", "Initech")},
			emails: map[string][]string{"a": {"a@initech.com"}, "b": {"b@initech.com"}},
			email:  "new@initech.com",
			want:   Answer{Employer: "globex", Source: SourceLearnedDomain, Evidence: "domain initech.com: 2 of 2 of its users' profiles name globex"},
		},
		{
			name:   "learned employer folded by date",
			users:  []store.User{u("a", "VMware")},
			emails: map[string][]string{"a": {"a@vmw.example"}},
			email:  "new@vmw.example",
			want:   Answer{Employer: "broadcom", Source: SourceLearnedDomain, Evidence: "domain vmw.example: 1 of 1 of its users' profiles name vmware"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewResolver(Options{Projects: tc.projects})
			if got := r.Resolve(tc.email, nil, day("2024-06-01")); got != (Answer{}) && got.Source != SourceDomain {
				t.Fatalf("before Learn: %+v", got)
			}
			r.Learn(tc.users, tc.emails)
			if got := r.Resolve(tc.email, nil, day("2024-06-01")); got != tc.want {
				t.Errorf("Resolve(%q)\n got %+v\nwant %+v", tc.email, got, tc.want)
			}
		})
	}
}

func TestLearnedDomainOrder(t *testing.T) {
	// A learned domain answers before the profile, after the file.
	file := mustParse(t, "boss@acme.io Globex\n")
	r := NewResolver(Options{File: file})
	r.Learn([]store.User{{Login: "a", Company: "Acme"}}, map[string][]string{"a": {"a@acme.io"}})
	tests := []struct {
		email  string
		source Source
		want   string
	}{
		{"boss@acme.io", SourceFile, "globex"},
		{"other@acme.io", SourceLearnedDomain, "acme"},
		{"other@gmail.com", SourceProfile, "initech"},
	}
	for _, tc := range tests {
		t.Run(tc.email, func(t *testing.T) {
			got := r.Resolve(tc.email, &store.User{Company: "Initech"}, day("2024-01-01"))
			if got.Employer != tc.want || got.Source != tc.source {
				t.Errorf("got %+v, want %s from %s", got, tc.want, tc.source)
			}
		})
	}
}

// TestBuiltinData checks the embedded employers.yaml for what a map
// would hide: a domain, org or alias claimed twice resolves by chance.
func TestBuiltinData(t *testing.T) {
	var d builtinData
	if err := yaml.Unmarshal(employersYAML, &d); err != nil {
		t.Fatal(err)
	}
	domainOwner, orgOwner, aliasOwner := map[string]string{}, map[string]string{}, map[string]string{}
	claim := func(kind string, m map[string]string, k, id string) {
		t.Helper()
		if k != strings.ToLower(strings.TrimSpace(k)) {
			t.Errorf("%s %q of %s is not lower-case", kind, k, id)
		}
		if o, ok := m[k]; ok && o != id {
			t.Errorf("%s %q claimed by both %s and %s", kind, k, o, id)
		}
		m[k] = id
	}
	for id, e := range d.Employers {
		if got := NormalizeCompany(id); got != id {
			t.Errorf("employer id %q normalises to %q", id, got)
		}
		claim("alias", aliasOwner, id, id)
		for _, dom := range e.Domains {
			claim("domain", domainOwner, dom, id)
			if IsFoundation(dom) || IsGenericProvider(dom) {
				t.Errorf("domain %s of %s is also a foundation or personal-mail domain", dom, id)
			}
			if got := NormalizeCompany(dom); got != id {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", dom, got, id)
			}
		}
		for _, o := range e.Orgs {
			claim("org", orgOwner, o, id)
			if known.foundationOrgs[o] {
				t.Errorf("org %s of %s is also a foundation org", o, id)
			}
			if got := NormalizeCompany("@" + o); got != id {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", "@"+o, got, id)
			}
		}
		for _, a := range e.Aliases {
			claim("alias", aliasOwner, normalizeName(a), id)
			if got := NormalizeCompany(a); got != id {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", a, got, id)
			}
		}
		if a := e.AcquiredBy; a != nil {
			if _, ok := d.Employers[a.Employer]; !ok {
				t.Errorf("%s acquired by unknown employer %q", id, a.Employer)
			}
		}
	}
	for _, f := range d.Foundations {
		if IsGenericProvider(f) {
			t.Errorf("%s is both foundation and personal mail", f)
		}
	}
}
