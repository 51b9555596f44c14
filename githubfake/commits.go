package githubfake

import (
	"net/http"
	"strings"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// handleCommits serves GET /repos/{owner}/{repo}/commits, newest first.
// Visible commits are a prefix of the committer-date ordering, since and
// until are binary searches and sha cuts the range at that commit, so a page
// costs O(log n + per_page) unless author filters.
//
// The history is linear (the scenario's default branch), so "reachable from
// sha" is "committed no later than sha". path is accepted and ignored: the
// only file is .github/FUNDING.yml, the same in every commit.
func handleCommits(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	ri := v.ri
	if v.nCommits == 0 {
		return errorResponse(http.StatusConflict, "Git Repository is empty.", "https://docs.github.com/rest/commits/commits#list-commits")
	}
	lo, hi := 0, v.nCommits
	if sha := c.query.Get("sha"); sha != "" && !strings.EqualFold(sha, v.branch()) && sha != "HEAD" {
		pos, ok := ri.shaPos[sha]
		if !ok || pos >= v.nCommits {
			return errorResponse(http.StatusNotFound, "No commit found for SHA: "+sha, "https://docs.github.com/rest/commits/commits#list-commits")
		}
		hi = pos + 1
	}
	if s := c.query.Get("since"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			return validationFailed("Commit", "since")
		}
		lo = max(lo, ri.commitsBefore(t))
	}
	if s := c.query.Get("until"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			return validationFailed("Commit", "until")
		}
		hi = min(hi, ri.commitsUntil(t))
	}
	hi = max(hi, lo)
	sel := span[*scenario.Commit]{items: ri.commits[lo:hi], desc: true}
	if author := c.query.Get("author"); author != "" {
		// GitHub matches a login or an email address.
		var matched []*scenario.Commit
		for _, cm := range sel.items {
			if strings.EqualFold(cm.AuthorLogin, author) || strings.EqualFold(cm.AuthorEmail, author) {
				matched = append(matched, cm)
			}
		}
		sel.items = matched
	}
	resp := c.paginate(sel.n(), func(i int) any { return c.commitJSON(v, sel.at(i)) })
	if sel.n() > 0 {
		resp.lastModified = sel.at(0).CommitterDate
	}
	return resp
}

func (v *repoView) branch() string {
	if v.ri.repo.DefaultBranch == "" {
		return "main"
	}
	return v.ri.repo.DefaultBranch
}

// commitJSON is the real list-commits item (go-github's RepositoryCommit),
// not the 2020 OpenAPI snapshot's bogus "Simple Commit"; see the
// conformance test.
func (c *reqCtx) commitJSON(v *repoView, cm *scenario.Commit) obj {
	repoURL := c.repoURL(v)
	html := c.repoHTMLURL(v)
	parents := make([]obj, 0, len(cm.Parents))
	for _, p := range cm.Parents {
		parents = append(parents, obj{"sha": p, "url": repoURL + "/commits/" + p, "html_url": html + "/commit/" + p})
	}
	tree := v.ri.git.tree
	committerDate := cm.CommitterDate
	if committerDate.IsZero() {
		committerDate = cm.AuthorDate
	}
	return obj{
		"sha":          cm.SHA,
		"node_id":      nodeID("Commit", itoa(v.ri.repo.ID)+":"+cm.SHA),
		"url":          repoURL + "/commits/" + cm.SHA,
		"html_url":     html + "/commit/" + cm.SHA,
		"comments_url": repoURL + "/commits/" + cm.SHA + "/comments",
		"commit": obj{
			// REST dates are UTC: the author's offset is lost here (only git
			// and GraphQL keep it), exactly as on GitHub.
			"author":        obj{"name": cm.AuthorName, "email": cm.AuthorEmail, "date": ts(cm.AuthorDate)},
			"committer":     obj{"name": cm.CommitterName, "email": cm.CommitterEmail, "date": ts(committerDate)},
			"message":       cm.Message,
			"tree":          obj{"sha": tree, "url": repoURL + "/git/trees/" + tree},
			"url":           repoURL + "/git/commits/" + cm.SHA,
			"comment_count": 0,
			"verification":  obj{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil},
		},
		"author":    c.simpleUser(cm.AuthorLogin),
		"committer": c.simpleUser(cm.CommitterLogin),
		"parents":   parents,
	}
}

// handleContributors serves GET /repos/{owner}/{repo}/contributors: commits
// grouped by linked GitHub user, most first; with anon=1|true unlinked
// authors appear too, grouped by email. An empty repository is 204.
func handleContributors(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	list := v.contributors
	if a := c.query.Get("anon"); a == "1" || strings.EqualFold(a, "true") {
		list = v.anonContributors
	}
	if v.nCommits == 0 {
		return &response{status: http.StatusNoContent}
	}
	return c.paginate(len(list), func(i int) any {
		ct := list[i]
		if ct.login == "" {
			return obj{"email": ct.email, "name": ct.name, "type": "Anonymous", "contributions": ct.n}
		}
		u := c.simpleUserOf(c.idx.account(ct.login))
		u["contributions"] = ct.n
		return u
	})
}
