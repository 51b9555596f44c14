package ghrepo

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		owner, repo string
	}{
		{"curl/curl", "curl", "curl"},
		{"samba-team/samba", "samba-team", "samba"},
		{"Microsoft/TypeScript", "Microsoft", "TypeScript"},
		{"a/b", "a", "b"},
		{"x/.github", "x", ".github"},
		{"x/...", "x", "..."},
		{"x/.gitignore", "x", ".gitignore"},
		{"x/git", "x", "git"},
		{"x/a.gitx", "x", "a.gitx"},
		{"x/_", "x", "_"},
		{"x/-", "x", "-"},
		{"legacy--name/repo", "legacy--name", "repo"}, // consecutive hyphens: legacy accounts
		{"0/0", "0", "0"},
		{strings.Repeat("a", 39) + "/" + strings.Repeat("b", 100), strings.Repeat("a", 39), strings.Repeat("b", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if n.Owner != tt.owner || n.Repo != tt.repo {
				t.Errorf("Parse(%q) = %+v, want %s / %s", tt.in, n, tt.owner, tt.repo)
			}
			if n.String() != tt.in {
				t.Errorf("String() = %q, want %q", n.String(), tt.in)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", `"" is not owner/name`},
		{"foo", `"foo" is not owner/name`},
		{"a/b/c", `"a/b/c" is not owner/name`},
		{"https://github.com/curl/curl", `"https://github.com/curl/curl" is not owner/name`},
		{"github.com/curl/curl", `"github.com/curl/curl" is not owner/name`},
		{"/curl", "owner must not be empty"},
		{"curl/", "repository name must not be empty"},
		{"/", "owner must not be empty"},
		{"-x/y", `owner "-x" must not start with a hyphen`},
		{"x-/y", `owner "x-" must not end with a hyphen`},
		{"-/y", `owner "-" must not start with a hyphen`},
		{"a_b/y", `owner "a_b" contains '_'`},
		{"a.b/y", `owner "a.b" contains '.'`},
		{"a b/y", `owner "a b" contains whitespace`},
		{" curl/curl", `owner " curl" contains whitespace`},
		{"curl/curl\n", `repository name "curl\n" contains whitespace`},
		{"curl/cu rl", `repository name "cu rl" contains whitespace`},
		{"curl/curl%2Fx", `repository name "curl%2Fx" contains '%' (URL escapes are not allowed)`},
		{"cu%72l/curl", `owner "cu%72l" contains '%'`},
		{"curl/curl?x=1", `repository name "curl?x=1" contains '?'`},
		{"curl/curl#x", `repository name "curl#x" contains '#'`},
		{"curl/cürl", `repository name "cürl" contains 'ü'`},
		{"curl/\xff", `repository name "\xff" contains a non-ASCII character`},
		{"curl/\x00", `repository name "\x00" contains '\x00'`},
		{strings.Repeat("a", 40) + "/b", "is longer than 39 characters"},
		{"a/" + strings.Repeat("b", 101), "is longer than 100 characters"},
		{"x/.", `repository name "." is reserved`},
		{"x/..", `repository name ".." is reserved`},
		{"curl/curl.git", `repository name "curl.git" must not end in .git`},
		{"curl/curl.GIT", `must not end in .git`},
		{"curl/.git", `repository name ".git" must not end in .git`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error containing %q", tt.in, n, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
			}
			if n != (Name{}) {
				t.Errorf("Parse(%q) returned %+v with an error, want zero Name", tt.in, n)
			}
		})
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	a, b := MustParse("Microsoft/TypeScript"), MustParse("microsoft/typescript")
	if a.Key() != b.Key() {
		t.Errorf("Keys differ: %q vs %q", a.Key(), b.Key())
	}
	if a.Key() != "microsoft/typescript" {
		t.Errorf("Key() = %q", a.Key())
	}
	if a.String() != "Microsoft/TypeScript" {
		t.Errorf("String() = %q, want the case as written", a.String())
	}
}

func TestMustParsePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"foo\") did not panic")
		}
	}()
	MustParse("foo")
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"curl/curl", "samba-team/samba", "a/b", "x/..", "x/.git", "-x/y", "a--b/c",
		"https://github.com/a/b", "a/b/c", "", "/", "a/%2e%2e", "a/b\n", "ü/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		if n.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, n.String())
		}
		again, err := Parse(n.String())
		if err != nil || again != n {
			t.Fatalf("round trip of %q: %+v, %v", s, again, err)
		}
		// Safe as single URL path segments and as a two-segment path.
		if url.PathEscape(n.Owner) != n.Owner || url.PathEscape(n.Repo) != n.Repo {
			t.Fatalf("%q needs escaping in a URL path", s)
		}
		if n.Repo == "." || n.Repo == ".." || n.Owner == "" || n.Repo == "" {
			t.Fatalf("accepted %q", s)
		}
		if strings.ToLower(n.Key()) != n.Key() {
			t.Fatalf("Key(%q) = %q is not lower case", s, n.Key())
		}
	})
}

func TestFromURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string // want "" = not a GitHub repository
	}{
		{"https://github.com/curl/curl", "curl/curl"},
		{"https://github.com/curl/curl.git", "curl/curl"},
		{"https://github.com/curl/curl/", "curl/curl"},
		{"https://www.github.com/curl/curl/tree/master/lib", "curl/curl"},
		{"http://github.com/curl/curl#readme", "curl/curl"},
		{"git+https://github.com/lodash/lodash.git", "lodash/lodash"},
		{"git+ssh://git@github.com/isaacs/node-glob.git", "isaacs/node-glob"},
		{"git://github.com/substack/minimist.git", "substack/minimist"},
		{"ssh://git@github.com/a/b", "a/b"},
		{"git@github.com:expressjs/express.git", "expressjs/express"},
		{"github:sindresorhus/chalk#v5.3.0", "sindresorhus/chalk"},
		{"github.com/spf13/cobra/doc", "spf13/cobra"},
		{"git+https://github.com/madler/zlib@v1.3.1", "madler/zlib"},
		{"https://GitHub.com/Owner/Repo.GIT", "Owner/Repo"},
		{"https://gitlab.com/cznic/sqlite", ""},
		{"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", ""},
		{"https://github.com/curl", ""},
		{"ftp://github.com/a/b", ""},
		{"https://github.com/-x/y", ""},
		{"https://ghe.example.com/a/b", ""},
		{"", ""},
	} {
		n, ok := FromURL(tc.in)
		got := ""
		if ok {
			got = n.String()
		}
		if got != tc.want {
			t.Errorf("FromURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseOwner(t *testing.T) {
	t.Parallel()
	if _, err := ParseOwner("kubernetes"); err != nil {
		t.Error(err)
	}
	for _, s := range []string{"", "a/b", "-x", "has space"} {
		if _, err := ParseOwner(s); err == nil {
			t.Errorf("ParseOwner(%q) accepted", s)
		}
	}
}
