// Package ghrepo names GitHub repositories ("owner/name") and checks such
// names against GitHub's own rules before one becomes a metric label, a
// store key or a path in an API URL.
//
// Parse is deliberately strict: it takes "owner/name" only, never a URL
// ("https://github.com/owner/name") or a host-qualified form, so that the
// watch list has exactly one spelling per repository.
package ghrepo

import (
	"errors"
	"fmt"
	"strings"
)

// Limits from GitHub's account and repository creation forms.
const (
	MaxOwnerLen = 39
	MaxRepoLen  = 100
)

// Name is a repository's owner (user or organisation) and name. The zero
// Name is not valid; get one from Parse.
type Name struct {
	Owner, Repo string
}

// Parse parses and validates "owner/name".
//
// Owner: 1–39 ASCII letters, digits and hyphens, not starting or ending
// with a hyphen. Consecutive hyphens ("a--b") are accepted: GitHub no longer
// allows them in new accounts, but older accounts that have them still
// exist, and they are safe in labels and URL paths.
//
// Repository: 1–100 of ASCII letters, digits, '.', '_' and '-'; not "." or
// ".." (reserved); not ending in ".git" in any case (GitHub strips that
// suffix, so such a name can never be the repository's real name).
//
// Everything else is rejected: whitespace, URL escapes ("%2F"), a scheme or
// host, more or fewer than one slash. Case is kept as written; use Key to
// compare names.
func Parse(s string) (Name, error) {
	owner, repo, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(repo, "/") {
		return Name{}, fmt.Errorf("%q is not owner/name", s)
	}
	if err := checkOwner(owner); err != nil {
		return Name{}, err
	}
	if err := checkRepo(repo); err != nil {
		return Name{}, err
	}
	return Name{Owner: owner, Repo: repo}, nil
}

// MustParse is Parse for names known to be valid (tests, constants); it
// panics on an invalid one.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic("ghrepo: " + err.Error())
	}
	return n
}

// String returns "owner/name" as written.
func (n Name) String() string { return n.Owner + "/" + n.Repo }

// Key returns the name lower-cased. GitHub resolves owner and repository
// names case-insensitively, so two Names are the same repository exactly
// when their Keys are equal; use Key for map keys and duplicate checks.
func (n Name) Key() string { return strings.ToLower(n.String()) }

func checkOwner(s string) error {
	switch {
	case s == "":
		return errors.New("owner must not be empty")
	case len(s) > MaxOwnerLen:
		return fmt.Errorf("owner %q is longer than %d characters", s, MaxOwnerLen)
	}
	for _, r := range s {
		if !isAlnum(r) && r != '-' {
			return fmt.Errorf("owner %q contains %s; only letters, digits and hyphens are allowed", s, describe(r))
		}
	}
	switch {
	case s[0] == '-':
		return fmt.Errorf("owner %q must not start with a hyphen", s)
	case s[len(s)-1] == '-':
		return fmt.Errorf("owner %q must not end with a hyphen", s)
	}
	return nil
}

func checkRepo(s string) error {
	switch {
	case s == "":
		return errors.New("repository name must not be empty")
	case len(s) > MaxRepoLen:
		return fmt.Errorf("repository name %q is longer than %d characters", s, MaxRepoLen)
	}
	for _, r := range s {
		if !isAlnum(r) && r != '-' && r != '_' && r != '.' {
			return fmt.Errorf("repository name %q contains %s; only letters, digits, '.', '_' and '-' are allowed", s, describe(r))
		}
	}
	switch {
	case s == "." || s == "..":
		return fmt.Errorf("repository name %q is reserved", s)
	case strings.HasSuffix(strings.ToLower(s), ".git"):
		return fmt.Errorf("repository name %q must not end in .git", s)
	}
	return nil
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// describe names a rejected character so that invisible ones (spaces,
// control characters, broken UTF-8) are still readable in the message.
func describe(r rune) string {
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		return "whitespace"
	case r == '%':
		return "'%' (URL escapes are not allowed)"
	case r == '\uFFFD':
		return "a non-ASCII character"
	}
	return fmt.Sprintf("%q", r)
}

// ParseOwner validates an account (user or organisation) login by the
// same rules as the owner half of Parse.
func ParseOwner(s string) (string, error) {
	if err := checkOwner(s); err != nil {
		return "", err
	}
	return s, nil
}

// FromURL finds the repository a reference to GitHub names, in the
// spellings package managers and SBOMs use:
//
//	https://github.com/owner/name[.git][/tree/...][#ref]
//	git+https://github.com/owner/name.git, git+ssh://git@github.com/owner/name.git
//	git://github.com/owner/name.git, ssh://git@github.com/owner/name
//	git@github.com:owner/name.git
//	github:owner/name[#ref]
//	github.com/owner/name[/sub/dir]
//
// An SPDX-style "@ref" after the name and a "#ref" fragment are dropped. It
// reports false for anything that is not on github.com (GitHub Enterprise
// hosts, gitlab.com, a registry tarball) or whose owner/name is invalid.
// Unlike Parse it is lenient by design: it reads what others wrote.
func FromURL(s string) (Name, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	var rest string
	switch {
	case strings.HasPrefix(s, "github:"):
		rest = strings.TrimPrefix(s, "github:")
	case strings.HasPrefix(s, "git@github.com:"):
		rest = strings.TrimPrefix(s, "git@github.com:")
	default:
		s = strings.TrimPrefix(s, "git+")
		if i := strings.Index(s, "://"); i >= 0 {
			switch strings.ToLower(s[:i]) {
			case "http", "https", "git", "ssh":
			default:
				return Name{}, false
			}
			s = s[i+3:]
			if at := strings.IndexByte(s, '@'); at >= 0 && at < strings.IndexByte(s+"/", '/') {
				s = s[at+1:] // user info: git@github.com/...
			}
		}
		host, path, ok := strings.Cut(s, "/")
		if !ok {
			return Name{}, false
		}
		host = strings.ToLower(host)
		host = strings.TrimSuffix(host, ":443")
		if host != "github.com" && host != "www.github.com" {
			return Name{}, false
		}
		rest = path
	}
	if i := strings.IndexAny(rest, "?"); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.SplitN(strings.Trim(rest, "/"), "/", 3)
	if len(parts) < 2 {
		return Name{}, false
	}
	owner, repo := parts[0], parts[1]
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i] // SPDX downloadLocation: git+https://github.com/o/r@v1.2
	}
	if len(repo) > 4 && strings.EqualFold(repo[len(repo)-4:], ".git") {
		repo = repo[:len(repo)-4]
	}
	n, err := Parse(owner + "/" + repo)
	if err != nil {
		return Name{}, false
	}
	return n, true
}
