package service

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// cloneURLs returns where git clones a repository from, given the REST API
// base URL: https://github.com/owner/repo.git for api.github.com, and
// https://HOST/owner/repo.git for GitHub Enterprise Server
// (https://HOST/api/v3/) and for a fake GitHub serving both at its root.
// No credentials are ever put into these URLs: only public repositories
// are mirrored.
func cloneURLs(apiURL string) (func(ghrepo.Name) string, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("github api url %q: %w", apiURL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("github api url %q: scheme must be http or https", apiURL)
	}
	if strings.EqualFold(u.Hostname(), "api.github.com") {
		u.Host = "github.com"
	}
	path := strings.TrimSuffix(u.Path, "/")
	path = strings.TrimSuffix(path, "/api/v3")
	base := u.Scheme + "://" + u.Host + path
	return func(n ghrepo.Name) string { return base + "/" + n.Owner + "/" + n.Repo + ".git" }, nil
}
