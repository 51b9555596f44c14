package funding

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const name = "acme/lib .github/FUNDING.yml"

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		links    []Link
		problems []string
	}{
		{"every platform GitHub documents", `
github: [alice, bob-2]
patreon: alice
open_collective: acme
ko_fi: alice
tidelift: npm/@acme/lib
community_bridge: acme-lib
liberapay: Alice
issuehunt: alice
otechie: alice
lfx_crowdfunding: acme-lib
polar: acme
buy_me_a_coffee: alice
thanks_dev: u/gh/alice
custom: ["https://acme.org/donate", example.com/give]
`, []Link{
			{"github", "alice"}, {"github", "bob-2"}, {"patreon", "alice"}, {"open_collective", "acme"}, {"ko_fi", "alice"},
			{"tidelift", "npm/@acme/lib"}, {"community_bridge", "acme-lib"}, {"liberapay", "Alice"}, {"issuehunt", "alice"},
			{"otechie", "alice"}, {"lfx_crowdfunding", "acme-lib"}, {"polar", "acme"}, {"buy_me_a_coffee", "alice"},
			{"thanks_dev", "u/gh/alice"}, {"custom", "https://acme.org/donate"}, {"custom", "example.com/give"},
		}, nil},
		{"GitHub's untouched template names nothing", `
# These are supported funding model platforms
github: # Replace with up to 4 GitHub Sponsors-enabled usernames e.g., [user1, user2]
patreon: # Replace with a single Patreon username
custom: # Replace with up to 4 custom sponsorship URLs e.g., ['link1', 'link2']
`, nil, nil},
		{"a single github account as a string", "github: alice\n", []Link{{"github", "alice"}}, nil},
		{"keys are case-insensitive", "GitHub: alice\n", []Link{{"github", "alice"}}, nil},
		{"unknown platform is a problem, the rest is kept", "github: alice\npaypal: alice\n",
			[]Link{{"github", "alice"}}, []string{name + `:2: unknown platform "paypal" (GitHub accepts github, patreon, open_collective, ko_fi, tidelift, community_bridge, liberapay, issuehunt, otechie, lfx_crowdfunding, polar, buy_me_a_coffee, thanks_dev, custom)`}},
		{"too many github accounts", "github: [a, b, c, d, e]\n",
			[]Link{{"github", "a"}, {"github", "b"}, {"github", "c"}, {"github", "d"}},
			[]string{name + ":1: github: 5 accounts, GitHub allows at most 4; using the first 4"}},
		{"a list where one account is allowed", "patreon: [a, b]\n",
			[]Link{{"patreon", "a"}}, []string{name + ":1: patreon: 2 accounts, GitHub allows at most 1; using the first 1"}},
		{"bad github login", "github: [good, -bad, also bad]\n",
			[]Link{{"github", "good"}}, []string{name + `:1: github: "-bad" is not a GitHub login`, name + `:1: github: "also bad" is not a GitHub login`}},
		{"tidelift without platform", "tidelift: babel\n", nil, []string{name + `:1: tidelift: "babel" is not platform-name/package-name (e.g. npm/babel)`}},
		{"custom with a non-http scheme", "custom: javascript:alert(1)\n", nil, []string{name + `:1: custom: "javascript:alert(1)" is not an http(s) URL`}},
		{"a platform given twice", "github: a\nGitHub: b\n", []Link{{"github", "a"}}, []string{name + ":2: github given again (first on line 1); keeping the first"}},
		{"custom without a host", "custom: [donate, mailto:x@y.org, ftp://x.org/f]\n", nil, []string{name + `:1: custom: "donate" is not a URL`, name + `:1: custom: "mailto:x@y.org" is not an http(s) URL`, name + `:1: custom: "ftp://x.org/f" is not an http(s) URL`}},
		{"a mapping as a value", "github:\n  user: alice\n", nil, []string{name + ":2: github: want an account name or a list of them, found a mapping"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(name, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.Links, tc.links) {
				t.Errorf("links = %v\nwant    %v", f.Links, tc.links)
			}
			if !reflect.DeepEqual(f.Problems, tc.problems) {
				t.Errorf("problems = %q\nwant       %q", f.Problems, tc.problems)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unclosed list (the demo's quill-md)", "github: [nbakker\npatreon: quill-md\n", name + ": not valid YAML: line 1: did not find expected ',' or ']'"},
		{"a list at the top", "- alice\n", name + ":1: want a mapping of platform: account, found a list"},
		{"a bare word", "alice\n", name + ":1: want a mapping of platform: account, found a scalar"},
		{"empty", "  \n", name + ": empty"},
		{"only a comment", "# nothing\n", name + ": empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(name, []byte(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v\nwant  %s", err, tc.want)
			}
		})
	}
	if _, err := Parse(name, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("nil content: %v, want ErrEmpty", err)
	}
}

func TestPlatformsAndSponsors(t *testing.T) {
	f, err := Parse(name, []byte("github: [a, b]\nko_fi: a\ncustom: https://x.org\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Platforms(), ","); got != "github,ko_fi,custom" {
		t.Errorf("Platforms() = %s", got)
	}
	if got := strings.Join(f.GitHubSponsors(), ","); got != "a,b" {
		t.Errorf("GitHubSponsors() = %s", got)
	}
}

// FuzzParse: no input panics, every error and problem names the file, and
// every kept link is on a documented platform.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"github: [a, b]\ncustom: https://x.org\n", "github: [nbakker\n", "- x\n", "tidelift: npm/x\n", "a: &x [1]\nb: *x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(name, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, p := range file.Problems {
			if !strings.HasPrefix(p, name+":") {
				t.Fatalf("problem does not name the file and line: %s", p)
			}
		}
		for _, l := range file.Links {
			if !strings.Contains(strings.Join(Platforms, " "), l.Platform) || l.Account == "" {
				t.Fatalf("bad link %+v", l)
			}
		}
	})
}
