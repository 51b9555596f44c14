// Package funding reads a repository's .github/FUNDING.yml: which funding
// platforms it names and the accounts on them.
//
// The accepted keys are those GitHub documents ("Displaying a sponsor
// button in your repository"): github (up to 4 Sponsors accounts), patreon,
// open_collective, ko_fi, tidelift (platform-name/package-name),
// community_bridge, liberapay, issuehunt, lfx_crowdfunding, polar,
// buy_me_a_coffee, thanks_dev, custom (up to 4 URLs), and otechie, which
// GitHub's own template listed for years. URLs and account names are data:
// fundwatch never follows them.
package funding

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Platforms GitHub accepts in FUNDING.yml, in its documentation's order.
var Platforms = []string{
	"github", "patreon", "open_collective", "ko_fi", "tidelift", "community_bridge", "liberapay",
	"issuehunt", "otechie", "lfx_crowdfunding", "polar", "buy_me_a_coffee", "thanks_dev", "custom",
}

// maxAccounts is how many values GitHub allows per key: lists for github
// and custom, one value elsewhere.
func maxAccounts(platform string) int {
	switch platform {
	case "github", "custom":
		return 4
	default:
		return 1
	}
}

// Link is one funding account.
type Link struct {
	Platform string `json:"platform"`
	Account  string `json:"account"` // user/project name, or the URL for custom
}

// File is what a FUNDING.yml names. Problems are entries GitHub would
// reject (unknown platform, too many accounts, a malformed value); the
// valid entries are kept, as GitHub shows what it can.
type File struct {
	Links    []Link   `json:"links"`
	Problems []string `json:"problems,omitempty"`
}

// Platforms returns the distinct platforms with at least one account.
func (f *File) Platforms() []string {
	var out []string
	for _, l := range f.Links {
		if !slices.Contains(out, l.Platform) {
			out = append(out, l.Platform)
		}
	}
	return out
}

// GitHubSponsors returns the GitHub Sponsors accounts the file names.
func (f *File) GitHubSponsors() []string {
	var out []string
	for _, l := range f.Links {
		if l.Platform == "github" {
			out = append(out, l.Account)
		}
	}
	return out
}

var (
	// GitHub logins: alphanumerics and single inner hyphens, up to 39.
	githubLogin = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	// A tidelift entry is platform-name/package-name (npm/@babel/core too).
	tidelift = regexp.MustCompile(`^[a-z][a-z0-9-]*/\S+$`)
	// Other platforms' account names: no spaces, no URL.
	account = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@/+-]{0,99}$`)
)

// ErrEmpty is returned for a file with no content at all.
var ErrEmpty = errors.New("empty")

// Parse reads a FUNDING.yml. name (e.g. "owner/repo .github/FUNDING.yml")
// prefixes every error and problem. A file that is not YAML, or not a
// mapping, is an error; entries GitHub would reject are problems, and the
// rest is still returned.
func Parse(name string, data []byte) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of platform: account, found %s", name, root.Line, kind(root))
	}
	f := &File{}
	problem := func(n *yaml.Node, format string, args ...any) {
		f.Problems = append(f.Problems, fmt.Sprintf("%s:%d: ", name, n.Line)+fmt.Sprintf(format, args...))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		platform := strings.ToLower(k.Value)
		if !slices.Contains(Platforms, platform) {
			problem(k, "unknown platform %q (GitHub accepts %s)", k.Value, strings.Join(Platforms, ", "))
			continue
		}
		if line, dup := seen[platform]; dup {
			problem(k, "%s given again (first on line %d); keeping the first", platform, line)
			continue
		}
		seen[platform] = k.Line
		var values []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
				continue // the template's unfilled "key: # Replace with ..."
			}
			values = []*yaml.Node{v}
		case yaml.SequenceNode:
			values = v.Content
		default:
			problem(v, "%s: want an account name or a list of them, found %s", platform, kind(v))
			continue
		}
		if len(values) > maxAccounts(platform) {
			problem(v, "%s: %d accounts, GitHub allows at most %d; using the first %d", platform, len(values), maxAccounts(platform), maxAccounts(platform))
			values = values[:maxAccounts(platform)]
		}
		for _, n := range values {
			if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
				problem(n, "%s: want an account name, found %s", platform, kind(n))
				continue
			}
			val := strings.TrimSpace(n.Value)
			if msg := check(platform, val); msg != "" {
				problem(n, "%s: %q %s", platform, truncate(val), msg)
				continue
			}
			f.Links = append(f.Links, Link{Platform: platform, Account: val})
		}
	}
	return f, nil
}

func check(platform, v string) string {
	switch platform {
	case "github":
		if !githubLogin.MatchString(v) {
			return "is not a GitHub login"
		}
	case "tidelift":
		if !tidelift.MatchString(v) {
			return "is not platform-name/package-name (e.g. npm/babel)"
		}
	case "custom":
		if strings.ContainsAny(v, " \t") {
			return "is not a URL"
		}
		u, err := url.Parse(v)
		if err == nil && u.Scheme != "" && !strings.Contains(v, "://") && u.Opaque != "" && !strings.Contains(u.Scheme, ".") {
			// "javascript:...", "mailto:...": a scheme but no host.
			return "is not an http(s) URL"
		}
		if err != nil || u.Scheme == "" || u.Host == "" {
			// GitHub accepts bare hosts ("example.com/donate"); so do we.
			u, err = url.Parse("https://" + v)
			if err != nil || u.Host == "" || !strings.Contains(u.Hostname(), ".") {
				return "is not a URL"
			}
			return ""
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return "is not an http(s) URL"
		}
	default:
		if !account.MatchString(v) {
			return "is not an account name"
		}
	}
	return ""
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
