package githubfake

import (
	"net/http"
	"strconv"
	"strings"
)

const (
	defaultPerPage = 30
	maxPerPage     = 100
)

// pageParams reads page and per_page the way GitHub does: garbage and
// non-positive values fall back to the defaults, per_page above 100 is
// clamped to 100 rather than rejected.
func (c *reqCtx) pageParams() (page, perPage int) {
	perPage = defaultPerPage
	if v, err := strconv.Atoi(c.query.Get("per_page")); err == nil && v > 0 {
		perPage = min(v, maxPerPage)
	}
	page = 1
	if v, err := strconv.Atoi(c.query.Get("page")); err == nil && v > 0 {
		page = v
	}
	return page, perPage
}

// paginate renders one page of an n-item list; item(i) renders the i-th item
// in response order, so only the requested page is ever built. Pages beyond
// the last are an empty array, as on GitHub.
func (c *reqCtx) paginate(n int, item func(i int) any) *response {
	page, perPage := c.pageParams()
	// Items inserted at the head since page 1 was read (FaultShift) push
	// every later page towards the tail: it starts that many items earlier
	// and the list has that many more. The inserted items are never
	// rendered; their places are simply taken by the items before.
	start := max((page-1)*perPage-c.shift, 0)
	end := min((page)*perPage-c.shift, n)
	items := make([]any, 0, max(end-start, 0))
	for i := start; i < end; i++ {
		items = append(items, item(i))
	}
	resp := jsonResponse(http.StatusOK, items)
	resp.link = c.linkHeader(page, (n+c.shift+perPage-1)/perPage)
	return resp
}

// linkHeader builds GitHub's Link header: rel prev, next, last, first in
// that order, each an absolute URL repeating the request's other query
// parameters verbatim. last and next are left out on the last page, prev and
// first on the first, and a single-page list has no header at all.
func (c *reqCtx) linkHeader(page, last int) string {
	last = max(last, 1)
	if last == 1 && page == 1 {
		return ""
	}
	var rels []string
	add := func(p int, rel string) {
		rels = append(rels, "<"+c.pageURL(p)+`>; rel="`+rel+`"`)
	}
	if page > 1 {
		add(min(page-1, last), "prev")
	}
	if page < last {
		add(page+1, "next")
	}
	if page != last {
		add(last, "last")
	}
	if page > 1 {
		add(1, "first")
	}
	return strings.Join(rels, ", ")
}

// pageURL is the request URL with page replaced (in place, or appended).
func (c *reqCtx) pageURL(page int) string {
	var parts []string
	replaced := false
	for _, kv := range strings.Split(c.r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		if kv == "page" || strings.HasPrefix(kv, "page=") {
			if !replaced {
				parts = append(parts, "page="+strconv.Itoa(page))
				replaced = true
			}
			continue
		}
		parts = append(parts, kv)
	}
	if !replaced {
		parts = append(parts, "page="+strconv.Itoa(page))
	}
	return c.web + c.linkPath() + "?" + strings.Join(parts, "&")
}

// linkPath is the path Link headers name: GitHub's lead to a repository's
// lists through /repositories/{id}/..., whichever path was asked (as
// recorded from api.github.com: internal/replay, paginate-issues).
func (c *reqCtx) linkPath() string {
	path := c.r.URL.EscapedPath()
	owner, name := c.params["owner"], c.params["repo"]
	ri := c.idx.repoByName[strings.ToLower(owner+"/"+name)]
	if ri == nil {
		return path
	}
	i := strings.Index(path, "/repos/")
	if i < 0 {
		return path // already /repositories/{id}/...
	}
	segs := strings.SplitN(path[i+len("/repos/"):], "/", 3)
	if len(segs) < 3 {
		return path
	}
	return path[:i] + "/repositories/" + itoa(ri.repo.ID) + "/" + segs[2]
}

// span is a contiguous run of a precomputed, ascending slice, served either
// ascending or descending without copying.
type span[T any] struct {
	items []T
	desc  bool
}

func (s span[T]) n() int { return len(s.items) }

func (s span[T]) at(i int) T {
	if s.desc {
		return s.items[len(s.items)-1-i]
	}
	return s.items[i]
}
