package githubfake

import (
	"encoding/base64"
	"net/http"
	"path"
	"strings"

	"github.com/fundwatch/fundwatch/internal/gitobj"
)

func (c *reqCtx) repoURL(v *repoView) string {
	return c.base + "/repos/" + v.ri.repo.Owner + "/" + v.ri.repo.Name
}

func (c *reqCtx) repoHTMLURL(v *repoView) string {
	return c.web + "/" + v.ri.repo.Owner + "/" + v.ri.repo.Name
}

// licenseNames are the display names GitHub's licenses API gives common SPDX
// ids; others fall back to the id itself.
var licenseNames = map[string]string{
	"MIT":          "MIT License",
	"Apache-2.0":   "Apache License 2.0",
	"BSD-2-Clause": `BSD 2-Clause "Simplified" License`,
	"BSD-3-Clause": `BSD 3-Clause "New" or "Revised" License`,
	"GPL-2.0":      "GNU General Public License v2.0",
	"GPL-3.0":      "GNU General Public License v3.0",
	"LGPL-2.1":     "GNU Lesser General Public License v2.1",
	"LGPL-3.0":     "GNU Lesser General Public License v3.0",
	"AGPL-3.0":     "GNU Affero General Public License v3.0",
	"MPL-2.0":      "Mozilla Public License 2.0",
	"ISC":          "ISC License",
	"Unlicense":    "The Unlicense",
	"0BSD":         "BSD Zero Clause License",
	"EPL-2.0":      "Eclipse Public License 2.0",
	"Zlib":         "zlib License",
}

func (c *reqCtx) license(spdx string) any {
	if spdx == "" {
		return nil
	}
	if spdx == "NOASSERTION" {
		// GitHub's "Other": a license file it could not identify.
		return obj{"key": "other", "name": "Other", "spdx_id": "NOASSERTION", "url": nil, "node_id": nodeID("License", "other")}
	}
	key := strings.ToLower(spdx)
	name := licenseNames[spdx]
	if name == "" {
		name = spdx
	}
	return obj{"key": key, "name": name, "spdx_id": spdx, "url": c.base + "/licenses/" + key, "node_id": nodeID("License", key)}
}

// repoJSON renders a repository as of the snapshot. full adds what only
// GET /repos/{owner}/{repo} returns (organization, network and subscriber
// counts); lists and embedded repos omit them, as GitHub does.
func (c *reqCtx) repoJSON(v *repoView, full bool) obj {
	r := v.ri.repo
	u := c.repoURL(v)
	html := c.repoHTMLURL(v)
	owner := c.idx.account(r.Owner)
	branch := r.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	topics := r.Topics
	if topics == nil {
		topics = []string{}
	}
	o := obj{
		"id":                r.ID,
		"node_id":           nodeID("Repository", r.ID),
		"name":              r.Name,
		"full_name":         r.FullName(),
		"private":           false,
		"visibility":        "public",
		"owner":             c.simpleUserOf(owner),
		"html_url":          html,
		"description":       strOrNull(r.Description),
		"fork":              r.Fork,
		"url":               u,
		"archive_url":       u + "/{archive_format}{/ref}",
		"assignees_url":     u + "/assignees{/user}",
		"blobs_url":         u + "/git/blobs{/sha}",
		"branches_url":      u + "/branches{/branch}",
		"collaborators_url": u + "/collaborators{/collaborator}",
		"comments_url":      u + "/comments{/number}",
		"commits_url":       u + "/commits{/sha}",
		"compare_url":       u + "/compare/{base}...{head}",
		"contents_url":      u + "/contents/{+path}",
		"contributors_url":  u + "/contributors",
		"deployments_url":   u + "/deployments",
		"downloads_url":     u + "/downloads",
		"events_url":        u + "/events",
		"forks_url":         u + "/forks",
		"git_commits_url":   u + "/git/commits{/sha}",
		"git_refs_url":      u + "/git/refs{/sha}",
		"git_tags_url":      u + "/git/tags{/sha}",
		"git_url":           "git:" + strings.TrimPrefix(strings.TrimPrefix(html, "http://"), "https://") + ".git",
		"hooks_url":         u + "/hooks",
		"issue_comment_url": u + "/issues/comments{/number}",
		"issue_events_url":  u + "/issues/events{/number}",
		"issues_url":        u + "/issues{/number}",
		"keys_url":          u + "/keys{/key_id}",
		"labels_url":        u + "/labels{/name}",
		"languages_url":     u + "/languages",
		"merges_url":        u + "/merges",
		"milestones_url":    u + "/milestones{/number}",
		"notifications_url": u + "/notifications{?since,all,participating}",
		"pulls_url":         u + "/pulls{/number}",
		"releases_url":      u + "/releases{/id}",
		"ssh_url":           "git@" + strings.TrimPrefix(strings.TrimPrefix(c.web, "http://"), "https://") + ":" + r.FullName() + ".git",
		"stargazers_url":    u + "/stargazers",
		"statuses_url":      u + "/statuses/{sha}",
		"subscribers_url":   u + "/subscribers",
		"subscription_url":  u + "/subscription",
		"tags_url":          u + "/tags",
		"teams_url":         u + "/teams",
		"trees_url":         u + "/git/trees{/sha}",
		"clone_url":         html + ".git",
		"mirror_url":        nil,
		"svn_url":           html,
		"homepage":          strOrNull(r.Homepage),
		"language":          strOrNull(r.Language),
		// GitHub's REST quirk: watchers and watchers_count are the star
		// count; real watchers are subscribers_count.
		"forks_count":                 r.Forks,
		"forks":                       r.Forks,
		"stargazers_count":            r.Stars,
		"watchers_count":              r.Stars,
		"watchers":                    r.Stars,
		"size":                        v.nCommits * 4, // KB; grows with history
		"default_branch":              branch,
		"open_issues_count":           v.openIssues,
		"open_issues":                 v.openIssues,
		"is_template":                 false,
		"topics":                      topics,
		"has_issues":                  r.HasIssues,
		"has_projects":                true,
		"has_wiki":                    true,
		"has_pages":                   false,
		"has_downloads":               true,
		"has_discussions":             false,
		"archived":                    v.archived,
		"disabled":                    false,
		"pushed_at":                   ts(v.pushedAt),
		"created_at":                  ts(r.CreatedAt),
		"updated_at":                  ts(v.updatedAt),
		"license":                     c.license(r.License),
		"allow_forking":               true,
		"web_commit_signoff_required": false,
	}
	if full {
		o["network_count"] = r.Forks
		o["subscribers_count"] = r.Watchers
		o["temp_clone_token"] = nil
		if owner.typ == "Organization" {
			o["organization"] = c.simpleUserOf(owner)
		}
	}
	return o
}

// handleRepo serves GET /repos/{owner}/{repo}. Last-Modified is the
// repository's updated_at, so If-Modified-Since works as well as ETags.
func handleRepo(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	resp := jsonResponse(http.StatusOK, c.repoJSON(v, true))
	resp.lastModified = v.updatedAt
	return resp
}

// fundingPath is the only file the fake's repositories have.
const fundingPath = ".github/FUNDING.yml"

// handleContents serves GET /repos/{owner}/{repo}/contents/{path} for
// .github/FUNDING.yml; everything else is 404, as for a missing file.
func handleContents(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	p := strings.Trim(c.params["path"], "/")
	content := v.ri.repo.FundingYML
	if p != fundingPath || content == "" {
		return notFound()
	}
	sha := gitobj.BlobID([]byte(content)) // the blob git serves (git.go)
	branch := v.ri.repo.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	self := c.repoURL(v) + "/contents/" + p
	if ref := c.query.Get("ref"); ref != "" {
		self += "?ref=" + ref
	}
	gitURL := c.repoURL(v) + "/git/blobs/" + sha
	htmlURL := c.repoHTMLURL(v) + "/blob/" + branch + "/" + p
	body := obj{
		"type":         "file",
		"encoding":     "base64",
		"size":         len(content),
		"name":         path.Base(p),
		"path":         p,
		"content":      wrappedBase64([]byte(content)),
		"sha":          sha,
		"url":          self,
		"git_url":      gitURL,
		"html_url":     htmlURL,
		"download_url": c.web + "/raw/" + v.ri.repo.FullName() + "/" + branch + "/" + p,
		"_links":       obj{"self": self, "git": gitURL, "html": htmlURL},
	}
	return jsonResponse(http.StatusOK, body)
}

// wrappedBase64 wraps at 60 characters with "\n", like GitHub; decoders
// (including go-github's GetContent) skip the newlines.
func wrappedBase64(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 60 {
		sb.WriteString(enc[:60])
		sb.WriteByte('\n')
		enc = enc[60:]
	}
	sb.WriteString(enc)
	sb.WriteByte('\n')
	return sb.String()
}
