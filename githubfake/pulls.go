package githubfake

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
)

// fakeSHA derives a stable git-looking id for objects the world does not
// record (pull request heads, merge commits).
func fakeSHA(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// pullJSON is an item of /pulls. The world does not model forks, so every
// head is a branch "pr-N" of the base repository.
func (c *reqCtx) pullJSON(v *repoView, iv *issueView) obj {
	is := iv.is
	r := v.ri.repo
	n := strconv.Itoa(is.Number)
	repoURL := c.repoURL(v)
	u := repoURL + "/pulls/" + n
	html := c.repoHTMLURL(v) + "/pull/" + n
	issueURL := repoURL + "/issues/" + n
	headSHA := fakeSHA("head", r.FullName(), n)
	var mergeSHA any
	if !iv.mergedAt.IsZero() {
		mergeSHA = fakeSHA("merge", r.FullName(), n)
	}
	baseSHA := headSHA
	if k := v.ri.commitsUntil(is.CreatedAt); k > 0 {
		baseSHA = v.ri.commits[k-1].SHA
	}
	repo := c.repoJSON(v, false)
	owner := c.simpleUser(r.Owner)
	id := pullID(v, is.Number)
	href := func(s string) obj { return obj{"href": s} }
	return obj{
		"url":                 u,
		"id":                  id,
		"node_id":             nodeID("PullRequest", id),
		"html_url":            html,
		"diff_url":            html + ".diff",
		"patch_url":           html + ".patch",
		"issue_url":           issueURL,
		"commits_url":         u + "/commits",
		"review_comments_url": u + "/comments",
		"review_comment_url":  repoURL + "/pulls/comments{/number}",
		"comments_url":        issueURL + "/comments",
		"statuses_url":        repoURL + "/statuses/" + headSHA,
		"number":              is.Number,
		"state":               iv.state,
		"locked":              is.Locked,
		"title":               is.Title,
		"user":                c.simpleUser(is.User),
		"body":                strOrNull(is.Body),
		"labels":              c.labelsJSON(v, is.Labels),
		"milestone":           nil,
		"active_lock_reason":  nil,
		"created_at":          ts(is.CreatedAt),
		"updated_at":          ts(iv.updatedAt),
		"closed_at":           tsOrNull(iv.closedAt),
		"merged_at":           tsOrNull(iv.mergedAt),
		"merge_commit_sha":    mergeSHA,
		"assignee":            nil,
		"assignees":           []obj{},
		"requested_reviewers": []obj{},
		"requested_teams":     []obj{},
		"head":                obj{"label": r.Owner + ":pr-" + n, "ref": "pr-" + n, "sha": headSHA, "user": owner, "repo": repo},
		"base":                obj{"label": r.Owner + ":" + v.branch(), "ref": v.branch(), "sha": baseSHA, "user": owner, "repo": repo},
		"_links": obj{
			"self":            href(u),
			"html":            href(html),
			"issue":           href(issueURL),
			"comments":        href(issueURL + "/comments"),
			"review_comments": href(u + "/comments"),
			"review_comment":  href(repoURL + "/pulls/comments{/number}"),
			"commits":         href(u + "/commits"),
			"statuses":        href(repoURL + "/statuses/" + headSHA),
		},
		"author_association": c.association(v, is.User),
		"auto_merge":         nil,
		"draft":              is.Draft,
	}
}

// handlePulls serves GET /repos/{owner}/{repo}/pulls: state open by
// default; sort created (default, desc) | updated | popularity (comments) |
// long-running (oldest first; the one-month activity filter is not modelled),
// the latter three ascending by default as documented.
func handlePulls(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	state, ok := parseState(c.query.Get("state"))
	if !ok {
		return validationFailed("PullRequest", "state")
	}
	sortKey, defDesc := sortCreated, true
	switch c.query.Get("sort") {
	case "", "created":
	case "updated":
		sortKey, defDesc = sortUpdated, false
	case "popularity":
		sortKey, defDesc = sortComments, false
	case "long-running":
		defDesc = false
	default:
		return validationFailed("PullRequest", "sort")
	}
	desc, bad := c.direction(defDesc)
	if bad {
		return validationFailed("PullRequest", "direction")
	}
	sel := selectIssues(v, kindPulls, state, sortKey, desc, issueFilter{})
	base, head := c.query.Get("base"), c.query.Get("head")
	if (base != "" && base != v.branch()) || head != "" {
		var out []*issueView
		for i := range sel.n() {
			iv := sel.at(i)
			label := v.ri.repo.Owner + ":pr-" + strconv.Itoa(iv.is.Number)
			if base != "" && base != v.branch() {
				continue
			}
			if head != "" && !strings.EqualFold(head, label) {
				continue
			}
			out = append(out, iv)
		}
		sel = span[*issueView]{items: out}
	}
	return c.paginate(sel.n(), func(i int) any { return c.pullJSON(v, sel.at(i)) })
}
