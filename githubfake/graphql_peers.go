package githubfake

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// The GraphQL fields peers of fundwatch read, so that the same world can
// be measured side by side with them: OpenSSF criticality_score's
// basicRepoData and release queries (internal/collector/github/queries.go
// and legacy/releases.go in ossf/criticality_score). TestPeerQueries
// sends its queries.

// releasePage is a page of a repository's releases, newest first.
type releasePage struct {
	total   int
	nodes   []*scenario.Release
	end     string // cursor of the last node
	hasNext bool
}

func init() {
	for name, r := range map[string]resolver{
		"url": func(e *executor, p any, _ map[string]any) (any, error) {
			return e.c.web + "/" + p.(*repoView).ri.repo.FullName(), nil
		},
		"mirrorUrl": func(_ *executor, _ any, _ map[string]any) (any, error) { return nil, nil },
		"licenseInfo": func(_ *executor, p any, _ map[string]any) (any, error) {
			if l := p.(*repoView).ri.repo.License; l != "" {
				return gqlObject{typ: "License", v: l}, nil
			}
			return nil, nil
		},
		"primaryLanguage": func(_ *executor, p any, _ map[string]any) (any, error) {
			if l := p.(*repoView).ri.repo.Language; l != "" {
				return gqlObject{typ: "Language", v: l}, nil
			}
			return nil, nil
		},
		"defaultBranchRef": func(_ *executor, p any, _ map[string]any) (any, error) {
			if v := p.(*repoView); v.nCommits > 0 {
				return gqlObject{typ: "Ref", v: v}, nil
			}
			return nil, nil
		},
		"hasIssuesEnabled": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.HasIssues, nil },
		"isDisabled":       func(_ *executor, _ any, _ map[string]any) (any, error) { return false, nil },
		"isEmpty":          func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).nCommits == 0, nil },
		"isMirror":         func(_ *executor, _ any, _ map[string]any) (any, error) { return false, nil },
		"isPrivate":        func(_ *executor, _ any, _ map[string]any) (any, error) { return false, nil },
		"watchers": func(_ *executor, p any, _ map[string]any) (any, error) {
			return gqlObject{typ: "UserConnection", v: count(p.(*repoView).ri.repo.Watchers)}, nil
		},
		"refs": func(_ *executor, p any, args map[string]any) (any, error) {
			// Tags are the releases' tags (as REST's /tags); branches, the
			// default branch.
			n := 0
			switch prefix, _ := args["refPrefix"].(string); prefix {
			case "refs/tags/":
				n = len(p.(*repoView).releases)
			case "refs/heads/":
				n = 1
			}
			return gqlObject{typ: "RefConnection", v: count(n)}, nil
		},
		"releases": repositoryReleases,
	} {
		repositoryFields[name] = r
	}
	graphqlFields["Commit"]["history"] = commitHistory
	for typ, fields := range map[string]map[string]resolver{
		"License": {
			"name":   func(_ *executor, p any, _ map[string]any) (any, error) { return licenseName(p.(string)), nil },
			"spdxId": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(string), nil },
			"key":    func(_ *executor, p any, _ map[string]any) (any, error) { return strings.ToLower(p.(string)), nil },
		},
		"Language": {
			"name": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(string), nil },
		},
		"Ref": {
			"name": func(_ *executor, p any, _ map[string]any) (any, error) {
				return p.(*repoView).ri.repo.DefaultBranch, nil
			},
			"prefix": func(_ *executor, _ any, _ map[string]any) (any, error) { return "refs/heads/", nil },
			"target": func(_ *executor, p any, _ map[string]any) (any, error) {
				v := p.(*repoView)
				return gqlObject{typ: "Commit", v: v.ri.commits[v.nCommits-1]}, nil
			},
		},
		"UserConnection":          {"totalCount": totalCount},
		"RefConnection":           {"totalCount": totalCount},
		"CommitHistoryConnection": {"totalCount": totalCount},
		"ReleaseConnection": {
			"totalCount": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(releasePage).total, nil },
			"nodes": func(_ *executor, p any, _ map[string]any) (any, error) {
				var out []gqlObject
				for _, r := range p.(releasePage).nodes {
					out = append(out, gqlObject{typ: "Release", v: r})
				}
				return out, nil
			},
			"pageInfo": func(_ *executor, p any, _ map[string]any) (any, error) { return gqlObject{typ: "PageInfo", v: p}, nil },
		},
		"PageInfo": {
			"endCursor": func(_ *executor, p any, _ map[string]any) (any, error) {
				if e := p.(releasePage).end; e != "" {
					return e, nil
				}
				return nil, nil
			},
			"hasNextPage": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(releasePage).hasNext, nil },
		},
		"Release": {
			"databaseId":   func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Release).ID, nil },
			"name":         func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Release).Name, nil },
			"tagName":      func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Release).TagName, nil },
			"isDraft":      func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Release).Draft, nil },
			"isPrerelease": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Release).Prerelease, nil },
			"createdAt": func(_ *executor, p any, _ map[string]any) (any, error) {
				return ts(p.(*scenario.Release).CreatedAt), nil
			},
			"publishedAt": func(_ *executor, p any, _ map[string]any) (any, error) {
				return tsOrNull(p.(*scenario.Release).PublishedAt), nil
			},
		},
	} {
		graphqlFields[typ] = fields
	}
}

// repositoryReleases pages the visible, non-draft releases newest first
// (the orderBy criticality_score asks for: CREATED_AT, DESC).
func repositoryReleases(_ *executor, p any, args map[string]any) (any, error) {
	v := p.(*repoView)
	var all []*scenario.Release
	for i := len(v.releases) - 1; i >= 0; i-- {
		if r := v.releases[i]; !r.Draft { // drafts are visible to collaborators only
			all = append(all, r)
		}
	}
	page := releasePage{total: len(all)}
	first := len(all)
	switch f := args["first"].(type) {
	case int:
		first = f
	case int64:
		first = int(f)
	case float64:
		first = int(f)
	}
	start := 0
	if after, ok := args["after"].(string); ok && after != "" {
		if raw, err := base64.StdEncoding.DecodeString(after); err == nil {
			if n, err := strconv.Atoi(strings.TrimPrefix(string(raw), "cursor:")); err == nil {
				start = n
			}
		}
	}
	start = min(max(start, 0), len(all))
	end := min(start+max(first, 0), len(all))
	page.nodes = all[start:end]
	page.hasNext = end < len(all)
	if end > start {
		page.end = base64.StdEncoding.EncodeToString([]byte("cursor:" + strconv.Itoa(end)))
	}
	return gqlObject{typ: "ReleaseConnection", v: page}, nil
}

// commitHistory counts the commits of the history up to a commit, within
// since and until (GitTimestamps) when given.
func commitHistory(e *executor, p any, args map[string]any) (any, error) {
	c := p.(*scenario.Commit)
	since, _ := time.Parse(time.RFC3339, str(args["since"]))
	until, _ := time.Parse(time.RFC3339, str(args["until"]))
	for _, v := range e.c.snap.repos {
		if v == nil || !v.visible {
			continue
		}
		pos, ok := v.ri.shaPos[strings.ToLower(c.SHA)]
		if !ok || pos >= v.nCommits {
			continue
		}
		n := 0
		for _, cm := range v.ri.commits[:pos+1] {
			at := cm.CommitterDate
			if (!since.IsZero() && at.Before(since)) || (!until.IsZero() && at.After(until)) {
				continue
			}
			n++
		}
		return gqlObject{typ: "CommitHistoryConnection", v: count(n)}, nil
	}
	return gqlObject{typ: "CommitHistoryConnection", v: count(0)}, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// licenseName is GitHub's name for the licences the demo worlds use.
func licenseName(spdx string) string {
	if n, ok := map[string]string{
		"MIT": "MIT License", "Apache-2.0": "Apache License 2.0", "BSD-3-Clause": `BSD 3-Clause "New" or "Revised" License`,
		"BSD-2-Clause": `BSD 2-Clause "Simplified" License`, "GPL-2.0": "GNU General Public License v2.0",
		"GPL-3.0": "GNU General Public License v3.0", "LGPL-2.1": "GNU Lesser General Public License v2.1",
		"MPL-2.0": "Mozilla Public License 2.0", "ISC": "ISC License", "Unlicense": "The Unlicense",
	}[spdx]; ok {
		return n
	}
	return spdx
}
