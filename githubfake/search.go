package githubfake

import (
	"strings"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// handleSearchCommits answers GET /search/commits?q=...: the commits of
// every visible repository whose message holds the query's words (a quoted
// phrase as one), newest first, in GitHub's search envelope. OpenSSF
// criticality_score reads total_count as github_mention_count. Only the
// free text of q is matched; qualifiers (repo:, author:, ...) are ignored.
func handleSearchCommits(c *reqCtx) *response {
	q := strings.TrimSpace(c.query.Get("q"))
	if q == "" {
		return validationFailed("Search", "q")
	}
	var terms []string
	for q != "" {
		if strings.HasPrefix(q, `"`) {
			phrase, rest, _ := strings.Cut(q[1:], `"`)
			terms, q = append(terms, strings.ToLower(phrase)), strings.TrimSpace(rest)
			continue
		}
		word, rest, _ := strings.Cut(q, " ")
		if !strings.Contains(word, ":") {
			terms = append(terms, strings.ToLower(word))
		}
		q = strings.TrimSpace(rest)
	}
	type hit struct {
		v  *repoView
		cm *scenario.Commit
	}
	var hits []hit
	for _, v := range c.snap.repos {
		if v == nil || !v.visible {
			continue
		}
		for _, cm := range v.ri.commits[:v.nCommits] {
			msg := strings.ToLower(cm.Message)
			all := true
			for _, t := range terms {
				if !strings.Contains(msg, t) {
					all = false
					break
				}
			}
			if all {
				hits = append(hits, hit{v, cm})
			}
		}
	}
	// Newest first, as GitHub sorts by default ("best match" on equal
	// scores falls back to recency).
	for i, j := 0, len(hits)-1; i < j; i, j = i+1, j-1 {
		hits[i], hits[j] = hits[j], hits[i]
	}
	resp := c.paginate(len(hits), func(i int) any {
		h := hits[i]
		item := c.commitJSON(h.v, h.cm)
		item["repository"] = obj{"id": h.v.ri.repo.ID, "name": h.v.ri.repo.Name, "full_name": h.v.ri.repo.FullName(),
			"html_url": c.repoHTMLURL(h.v), "url": c.repoURL(h.v)}
		item["score"] = 1.0
		return item
	})
	// The list becomes GitHub's search envelope.
	resp.body = append(append([]byte(`{"total_count":`+itoa(int64(len(hits)))+`,"incomplete_results":false,"items":`), resp.body...), '}')
	return resp
}
