package githubfake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// defaultLabels are the labels GitHub creates in every new repository; the
// API flags them with "default": true.
var defaultLabels = map[string]bool{
	"bug": true, "documentation": true, "duplicate": true, "enhancement": true,
	"good first issue": true, "help wanted": true, "invalid": true, "question": true, "wontfix": true,
}

func (c *reqCtx) labelsJSON(v *repoView, names []string) []obj {
	out := make([]obj, 0, len(names))
	for _, name := range names {
		id := syntheticID("label", strings.ToLower(v.ri.repo.FullName()), name)
		out = append(out, obj{
			"id":      id,
			"node_id": nodeID("Label", id),
			"url":     c.repoURL(v) + "/labels/" + url.PathEscape(name),
			"name":    name,
			"color":   fmt.Sprintf("%06x", id&0xffffff),
			"default": defaultLabels[name],
			// GitHub sends "description": null for labels without one, but
			// the 2020 description types it as a non-nullable string;
			// leaving it out satisfies both readings.
		})
	}
	return out
}

// association is author_association as GitHub derives it, as far as the
// world tells: the owner; a public member of the owning org; someone who
// merged or closed others' work (so has push access); someone with commits.
func (c *reqCtx) association(v *repoView, login string) string {
	r := v.ri.repo
	l := strings.ToLower(login)
	switch {
	case strings.EqualFold(login, r.Owner):
		return "OWNER"
	case c.isOrgMember(login, r.Owner):
		return "MEMBER"
	case v.maintainers[l]:
		return "COLLABORATOR"
	case v.committers[l]:
		return "CONTRIBUTOR"
	}
	return "NONE"
}

func (c *reqCtx) isOrgMember(login, org string) bool {
	u := c.idx.users[strings.ToLower(login)]
	if u == nil {
		return false
	}
	return slices.ContainsFunc(u.Orgs, func(o string) bool { return strings.EqualFold(o, org) })
}

func issueID(v *repoView, number int) int64 {
	return syntheticID("issue", itoa(v.ri.repo.ID), strconv.Itoa(number))
}

func pullID(v *repoView, number int) int64 {
	return syntheticID("pull", itoa(v.ri.repo.ID), strconv.Itoa(number))
}

// issueJSON is an item of /issues. Pull requests carry the pull_request
// object (with merged_at, as GitHub added in 2022) and draft.
func (c *reqCtx) issueJSON(v *repoView, iv *issueView) obj {
	is := iv.is
	n := strconv.Itoa(is.Number)
	u := c.repoURL(v) + "/issues/" + n
	html := c.repoHTMLURL(v) + "/issues/" + n
	var stateReason any
	if iv.state == "closed" && !is.IsPull {
		stateReason = "completed"
	}
	id := issueID(v, is.Number)
	o := obj{
		"id":                       id,
		"node_id":                  nodeID("Issue", id),
		"url":                      u,
		"repository_url":           c.repoURL(v),
		"labels_url":               u + "/labels{/name}",
		"comments_url":             u + "/comments",
		"events_url":               u + "/events",
		"timeline_url":             u + "/timeline",
		"number":                   is.Number,
		"state":                    iv.state,
		"state_reason":             stateReason,
		"title":                    is.Title,
		"body":                     strOrNull(is.Body),
		"user":                     c.simpleUser(is.User),
		"labels":                   c.labelsJSON(v, is.Labels),
		"assignee":                 nil,
		"assignees":                []obj{},
		"milestone":                nil,
		"locked":                   is.Locked,
		"active_lock_reason":       nil,
		"comments":                 iv.comments,
		"closed_at":                tsOrNull(iv.closedAt),
		"created_at":               ts(is.CreatedAt),
		"updated_at":               ts(iv.updatedAt),
		"author_association":       c.association(v, is.User),
		"performed_via_github_app": nil,
	}
	if is.IsPull {
		pu := c.repoURL(v) + "/pulls/" + n
		ph := c.repoHTMLURL(v) + "/pull/" + n
		html = ph
		o["pull_request"] = obj{
			"url":       pu,
			"html_url":  ph,
			"diff_url":  ph + ".diff",
			"patch_url": ph + ".patch",
			"merged_at": tsOrNull(iv.mergedAt),
		}
		o["draft"] = is.Draft
	}
	o["html_url"] = html
	return o
}

// issueFilter is what /issues and /pulls narrow a precomputed ordering by.
type issueFilter struct {
	since     time.Time
	sinceSet  bool
	labels    []string
	creator   string
	assignee  string
	milestone string
	mentioned string
}

func (f issueFilter) trivial() bool {
	return len(f.labels) == 0 && f.creator == "" && (f.assignee == "" || f.assignee == "none") &&
		(f.milestone == "" || f.milestone == "none") && f.mentioned == ""
}

func (f issueFilter) match(iv *issueView) bool {
	is := iv.is
	if f.sinceSet && iv.updatedAt.Before(f.since) {
		return false
	}
	if f.creator != "" && !strings.EqualFold(is.User, f.creator) {
		return false
	}
	for _, want := range f.labels {
		if !slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, want) }) {
			return false
		}
	}
	// The world has no assignees or milestones: only "none" matches.
	if f.assignee != "" && f.assignee != "none" {
		return false
	}
	if f.milestone != "" && f.milestone != "none" {
		return false
	}
	if f.mentioned != "" && !strings.Contains(strings.ToLower(is.Body), "@"+strings.ToLower(f.mentioned)) {
		return false
	}
	return true
}

// selectIssues picks the precomputed ordering for kind/state/sort, narrows
// it by since with a binary search when sorted by updated_at, and only scans
// when another filter is set.
func selectIssues(v *repoView, kind, state, sortKey int, desc bool, f issueFilter) span[*issueView] {
	list := v.lists[kind][state][sortKey]
	if f.sinceSet && sortKey == sortUpdated {
		lo := sort.Search(len(list), func(i int) bool { return !list[i].updatedAt.Before(f.since) })
		list = list[lo:]
		f.sinceSet = false
	}
	if f.sinceSet || !f.trivial() {
		var out []*issueView
		for _, iv := range list {
			if f.match(iv) {
				out = append(out, iv)
			}
		}
		list = out
	}
	return span[*issueView]{items: list, desc: desc}
}

func parseState(s string) (int, bool) {
	switch s {
	case "", "open":
		return stateOpen, true
	case "closed":
		return stateClosed, true
	case "all":
		return stateAll, true
	}
	return 0, false
}

func (c *reqCtx) sinceFilter() (issueFilter, bool) {
	var f issueFilter
	if s := c.query.Get("since"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			return f, false
		}
		f.since, f.sinceSet = t, true
	}
	return f, true
}

// handleIssues serves GET /repos/{owner}/{repo}/issues: issues and pull
// requests, state open by default, since by updated_at, sort created |
// updated | comments, direction desc by default.
func handleIssues(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	if !v.ri.repo.HasIssues {
		return errorResponse(http.StatusGone, "Issues are disabled for this repo", "https://docs.github.com/rest/issues/issues#list-repository-issues")
	}
	state, ok := parseState(c.query.Get("state"))
	if !ok {
		return validationFailed("Issue", "state")
	}
	var sortKey int
	switch c.query.Get("sort") {
	case "", "created":
		sortKey = sortCreated
	case "updated":
		sortKey = sortUpdated
	case "comments":
		sortKey = sortComments
	default:
		return validationFailed("Issue", "sort")
	}
	desc, bad := c.direction(true)
	if bad {
		return validationFailed("Issue", "direction")
	}
	f, ok := c.sinceFilter()
	if !ok {
		return validationFailed("Issue", "since")
	}
	if l := c.query.Get("labels"); l != "" {
		for _, name := range strings.Split(l, ",") {
			if name = strings.TrimSpace(name); name != "" {
				f.labels = append(f.labels, name)
			}
		}
	}
	f.creator = c.query.Get("creator")
	f.assignee = c.query.Get("assignee")
	f.milestone = c.query.Get("milestone")
	f.mentioned = c.query.Get("mentioned")
	sel := selectIssues(v, kindAll, state, sortKey, desc, f)
	return c.paginate(sel.n(), func(i int) any { return c.issueJSON(v, sel.at(i)) })
}

// handleIssueComments serves GET /repos/{owner}/{repo}/issues/comments, the
// repo-wide comment stream collectors use for first responses. Without sort
// it is ascending by creation (direction is then ignored, as documented);
// with sort the default direction is ascending too, which is what an
// incremental "since" walk wants.
func handleIssueComments(c *reqCtx) *response {
	v := c.repo()
	if v == nil {
		return notFound()
	}
	f, ok := c.sinceFilter()
	if !ok {
		return validationFailed("IssueComment", "since")
	}
	list := v.comments
	desc := false
	switch c.query.Get("sort") {
	case "":
	case "created":
		desc, ok = c.dirOK(false)
	case "updated":
		list = v.commentsByUpdated
		desc, ok = c.dirOK(false)
	default:
		return validationFailed("IssueComment", "sort")
	}
	if !ok {
		return validationFailed("IssueComment", "direction")
	}
	if f.sinceSet {
		if c.query.Get("sort") == "updated" {
			lo := sort.Search(len(list), func(i int) bool { return !list[i].updatedAt.Before(f.since) })
			list = list[lo:]
		} else {
			var out []*commentView
			for _, cv := range list {
				if !cv.updatedAt.Before(f.since) {
					out = append(out, cv)
				}
			}
			list = out
		}
	}
	sel := span[*commentView]{items: list, desc: desc}
	return c.paginate(sel.n(), func(i int) any { return c.commentJSON(v, sel.at(i)) })
}

func (c *reqCtx) dirOK(defDesc bool) (desc, ok bool) {
	desc, bad := c.direction(defDesc)
	return desc, !bad
}

func (c *reqCtx) commentJSON(v *repoView, cv *commentView) obj {
	cm := cv.c
	n := strconv.Itoa(cm.IssueNumber)
	html := c.repoHTMLURL(v) + "/issues/" + n
	if is := v.issueByNumber(cm.IssueNumber); is != nil && is.is.IsPull {
		html = c.repoHTMLURL(v) + "/pull/" + n
	}
	return obj{
		"id":                       cm.ID,
		"node_id":                  nodeID("IssueComment", cm.ID),
		"url":                      c.repoURL(v) + "/issues/comments/" + itoa(cm.ID),
		"html_url":                 html + "#issuecomment-" + itoa(cm.ID),
		"issue_url":                c.repoURL(v) + "/issues/" + n,
		"body":                     cm.Body,
		"user":                     c.simpleUser(cm.User),
		"created_at":               ts(cm.CreatedAt),
		"updated_at":               ts(cv.updatedAt),
		"author_association":       c.association(v, cm.User),
		"performed_via_github_app": nil,
	}
}

// issueByNumber finds a visible issue; v.issues is sorted by number.
func (v *repoView) issueByNumber(n int) *issueView {
	i, found := slices.BinarySearchFunc(v.issues, n, func(iv *issueView, n int) int { return iv.is.Number - n })
	if !found {
		return nil
	}
	return v.issues[i]
}
