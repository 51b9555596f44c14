package githubfake

import (
	"net/url"
	"strings"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

func (c *reqCtx) releaseJSON(v *repoView, rel *scenario.Release) obj {
	repoURL := c.repoURL(v)
	u := repoURL + "/releases/" + itoa(rel.ID)
	tag := url.PathEscape(rel.TagName)
	return obj{
		"url":              u,
		"assets_url":       u + "/assets",
		"upload_url":       strings.Replace(u, "/repos/", "/uploads/repos/", 1) + "/assets{?name,label}",
		"html_url":         c.repoHTMLURL(v) + "/releases/tag/" + tag,
		"id":               rel.ID,
		"node_id":          nodeID("Release", rel.ID),
		"author":           c.simpleUser(rel.Author),
		"tag_name":         rel.TagName,
		"target_commitish": v.branch(),
		"name":             strOrNull(rel.Name),
		"body":             strOrNull(rel.Body),
		"draft":            rel.Draft,
		"prerelease":       rel.Prerelease,
		"created_at":       ts(rel.CreatedAt),
		"published_at":     tsOrNull(releaseTime(rel)),
		"assets":           []obj{},
		"tarball_url":      repoURL + "/tarball/" + tag,
		"zipball_url":      repoURL + "/zipball/" + tag,
	}
}

// handleReleases serves GET /repos/{owner}/{repo}/releases, newest first,
// published releases only (drafts need push access).
func handleReleases(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	sel := span[*scenario.Release]{items: v.releases, desc: true}
	return c.paginate(sel.n(), func(i int) any { return c.releaseJSON(v, sel.at(i)) })
}

// handleTags serves GET /repos/{owner}/{repo}/tags. The world records tags
// only through releases, so the tags are those of the visible releases,
// newest first, each pointing at the last commit before its release.
func handleTags(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	sel := span[*scenario.Release]{items: v.releases, desc: true}
	return c.paginate(sel.n(), func(i int) any {
		rel := sel.at(i)
		sha := v.ri.tagSHA[rel.ID]
		if sha == "" {
			sha = fakeSHA("tag", v.ri.repo.FullName(), rel.TagName)
		}
		tag := url.PathEscape(rel.TagName)
		repoURL := c.repoURL(v)
		return obj{
			"name":        rel.TagName,
			"zipball_url": repoURL + "/zipball/refs/tags/" + tag,
			"tarball_url": repoURL + "/tarball/refs/tags/" + tag,
			"commit":      obj{"sha": sha, "url": repoURL + "/commits/" + sha},
			"node_id":     nodeID("Ref", v.ri.repo.FullName()+":refs/tags/"+rel.TagName),
		}
	})
}
