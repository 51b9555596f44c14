package identity

import (
	"math/rand/v2"
	"strings"
	"testing"
)

type obs struct{ login, email, name string }

func build(mm *Mailmap, os ...obs) *Directory {
	r := NewResolver(mm)
	for _, o := range os {
		r.Observe(o.login, o.email, o.name)
	}
	return r.Build()
}

func TestMerging(t *testing.T) {
	t.Parallel()
	mm, err := ParseMailmap(".mailmap", []byte(`
# comment
Alice Smith <alice@acme.com> <alice@home.example>
<alice@acme.com> Old Alice <old@acme.com>
Bob <bob@x.org>
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		obs        []obs
		same, diff [][2]obs // pairs expected to be one / two people
	}{
		{"login links e-mails", []obs{{"alice", "a@x.org", ""}, {"ALICE", "alice@y.org", ""}},
			[][2]obs{{{"", "a@x.org", ""}, {"", "alice@y.org", ""}}}, nil},
		{"noreply with id", []obs{{"", "123+carol@users.noreply.github.com", ""}, {"carol", "c@x.org", ""}},
			[][2]obs{{{"", "123+carol@users.noreply.github.com", ""}, {"", "c@x.org", ""}}}, nil},
		{"noreply without id", []obs{{"", "dave@users.noreply.github.com", ""}, {"Dave", "", ""}},
			[][2]obs{{{"", "dave@users.noreply.github.com", ""}, {"dave", "", ""}}}, nil},
		{"mailmap two e-mails", []obs{{"", "alice@home.example", "Alice"}, {"", "alice@acme.com", "Alice Smith"}},
			[][2]obs{{{"", "alice@home.example", ""}, {"", "alice@acme.com", ""}}}, nil},
		{"mailmap with commit name", []obs{{"", "old@acme.com", "Old Alice"}, {"", "alice@acme.com", ""}},
			[][2]obs{{{"", "old@acme.com", ""}, {"", "alice@acme.com", ""}}}, nil},
		{"never on name alone", []obs{{"", "js1@x.org", "John Smith"}, {"", "js2@y.org", "John Smith"}},
			nil, [][2]obs{{{"", "js1@x.org", ""}, {"", "js2@y.org", ""}}}},
		{"e-mail case", []obs{{"", "Eve@X.org", ""}, {"eve", "eve@x.org", ""}},
			[][2]obs{{{"", "EVE@x.ORG", ""}, {"eve", "", ""}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := build(mm, c.obs...)
			for _, p := range c.same {
				a, b := d.Lookup(p[0].login, p[0].email), d.Lookup(p[1].login, p[1].email)
				if a == nil || a != b {
					t.Errorf("%v and %v: %v / %v, want one person", p[0], p[1], a, b)
				}
			}
			for _, p := range c.diff {
				a, b := d.Lookup(p[0].login, p[0].email), d.Lookup(p[1].login, p[1].email)
				if a == nil || b == nil || a == b {
					t.Errorf("%v and %v merged", p[0], p[1])
				}
			}
		})
	}
}

func TestIDsAreDeterministic(t *testing.T) {
	t.Parallel()
	os := []obs{{"zed", "z@x.org", ""}, {"amy", "shared@x.org", ""}, {"", "shared@x.org", ""}, {"bo", "b@x.org", ""}, {"", "n@x.org", ""}, {"AMY", "amy@y.org", ""}}
	want := map[string]string{}
	for _, p := range build(nil, os...).People() {
		want[strings.Join(p.Emails, ",")] = p.ID
	}
	for i := 0; i < 20; i++ {
		shuffled := append([]obs(nil), os...)
		rand.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		for _, p := range build(nil, shuffled...).People() {
			if want[strings.Join(p.Emails, ",")] != p.ID {
				t.Fatalf("shuffle %d: %v has ID %s, want %s", i, p.Emails, p.ID, want[strings.Join(p.Emails, ",")])
			}
		}
	}
	if p := build(nil, os...).Lookup("", "n@x.org"); p.ID != "email:n@x.org" {
		t.Errorf("unlinked person ID %s", p.ID)
	}
	if p := build(nil, os...).Lookup("", "amy@y.org"); p.ID != "login:amy" || len(p.Emails) != 2 {
		t.Errorf("amy: %+v", p)
	}
}

func TestIsBot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		login, email, name, typ string
		want                    bool
	}{
		{"dependabot[bot]", "", "", "", true},
		{"", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]", "", true},
		{"some-app", "", "", "Bot", true},
		{"renovate-bot", "", "", "", true},
		{"greenkeeperio-bot", "", "", "", true},
		{"", "action@github.com", "GitHub Action", "", true},
		{"", "41898282+github-actions[bot]@users.noreply.github.com", "github-actions[bot]", "", true},
		{"", "ci@x.org", "GitHub Actions", "", true},
		{"web-flow", "noreply@github.com", "GitHub", "", true},
		{"alice", "alice@x.org", "Alice", "User", false},
		{"robotframework-fan", "r@x.org", "Robot Fan", "", false},
		{"abbot", "abbot@x.org", "Abbot", "", false},
		// Automation recognised by its address alone.
		{"", "tensorflow-bot@google.com", "TensorFlower Gardener", "", true},
		{"", "k8s-ci-robot@example.io", "Kubernetes Prow Robot", "", true},
		{"", "copybara-worker@google.com", "A. Googler", "", true},
		{"", "release_bot@x.io", "Release", "", true},
		{"", "bot@x.io", "Builder", "", true},
		{"", "talbot@x.org", "Talbot", "", false},
		{"", "robotics-lab@x.edu", "Lab", "", false},
	}
	for _, c := range cases {
		if got := IsBot(c.login, c.email, c.name, c.typ); got != c.want {
			t.Errorf("IsBot(%q, %q, %q, %q) = %v", c.login, c.email, c.name, c.typ, got)
		}
	}
	d := build(nil, obs{"", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"})
	if p := d.Lookup("dependabot[bot]", ""); p == nil || !p.Bot {
		t.Errorf("dependabot person: %+v", p)
	}
}

func TestMailmapErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Alice <a@x.org", ".mailmap:1: unclosed <"},
		{"\n<a@x.org> trailing", ".mailmap:2: text after the last <e-mail>"},
		{"<a@x.org> <b@x.org> <c@x.org>", ".mailmap:1: want one or two <e-mail>s, got 3"},
		{"<> <b@x.org>", ".mailmap:1: empty e-mail"},
	} {
		if _, err := ParseMailmap(".mailmap", []byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}
