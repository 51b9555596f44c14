package githubfake

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// account is a login resolved against the world. Logins the world does not
// describe (a commit linked to an unlisted user, an owner without a profile)
// still get a stable id and a type, so embedded users are never broken.
type account struct {
	login string
	id    int64
	typ   string
	u     *scenario.User // nil when synthesised
}

func (idx *worldIndex) account(login string) account {
	if u := idx.users[strings.ToLower(login)]; u != nil {
		a := account{login: u.Login, id: u.ID, typ: u.Type, u: u}
		if a.id == 0 {
			a.id = syntheticID("user", strings.ToLower(u.Login))
		}
		if a.typ == "" {
			a.typ = defaultType(idx, u.Login)
		}
		return a
	}
	return account{login: login, id: syntheticID("user", strings.ToLower(login)), typ: defaultType(idx, login)}
}

// defaultType guesses the type of a login without a profile: "[bot]"
// logins are GitHub Apps, an employer's GitHub org is an organisation.
func defaultType(idx *worldIndex, login string) string {
	if strings.HasSuffix(login, "[bot]") {
		return "Bot"
	}
	for _, e := range idx.world.Employers {
		if e.Org != "" && strings.EqualFold(e.Org, login) {
			return "Organization"
		}
	}
	return "User"
}

// lookupAccount resolves a path parameter to an account that exists at the
// horizon: a listed user created by then, or a repository owner.
func (c *reqCtx) lookupAccount(login string) (account, bool) {
	if u := c.idx.users[strings.ToLower(login)]; u != nil {
		if !atOrBefore(u.CreatedAt, c.snap.horizon) {
			return account{}, false
		}
		return c.idx.account(login), true
	}
	if repos := c.idx.reposByOwner[strings.ToLower(login)]; len(repos) > 0 {
		return c.idx.account(repos[0].repo.Owner), true
	}
	return account{}, false
}

func (c *reqCtx) userURL(login string) string { return c.base + "/users/" + url.PathEscape(login) }

func (c *reqCtx) userHTMLURL(a account) string {
	if a.typ == "Bot" {
		// Bots are GitHub Apps; their profile page is the app's.
		return c.web + "/apps/" + url.PathEscape(strings.TrimSuffix(a.login, "[bot]"))
	}
	return c.web + "/" + url.PathEscape(a.login)
}

// simpleUser is GitHub's "simple user" embedded in issues, commits, repos
// and so on; nil (JSON null) for an empty login.
func (c *reqCtx) simpleUser(login string) any {
	if login == "" {
		return nil
	}
	return c.simpleUserOf(c.idx.account(login))
}

func (c *reqCtx) simpleUserOf(a account) obj {
	u := c.userURL(a.login)
	return obj{
		"login":               a.login,
		"id":                  a.id,
		"node_id":             nodeID(nodeType(a.typ), a.id),
		"avatar_url":          c.web + "/avatars/u/" + itoa(a.id) + "?v=4",
		"gravatar_id":         "",
		"url":                 u,
		"html_url":            c.userHTMLURL(a),
		"followers_url":       u + "/followers",
		"following_url":       u + "/following{/other_user}",
		"gists_url":           u + "/gists{/gist_id}",
		"starred_url":         u + "/starred{/owner}{/repo}",
		"subscriptions_url":   u + "/subscriptions",
		"organizations_url":   u + "/orgs",
		"repos_url":           u + "/repos",
		"events_url":          u + "/events{/privacy}",
		"received_events_url": u + "/received_events",
		"type":                a.typ,
		"site_admin":          false,
	}
}

func nodeType(typ string) string {
	switch typ {
	case "Organization", "Bot":
		return typ
	}
	return "User"
}

// publicRepos counts the account's repositories that exist at the horizon.
func (c *reqCtx) publicRepos(login string) int {
	n := 0
	for _, ri := range c.idx.reposByOwner[strings.ToLower(login)] {
		if c.snap.repos[ri.pos].visible {
			n++
		}
	}
	return n
}

// handleUser serves GET /users/{username}: the public profile, including
// the company field the affiliation step reads and type User/Bot/Organization.
func handleUser(c *reqCtx) *response {
	a, ok := c.lookupAccount(c.params["username"])
	if !ok {
		return notFound()
	}
	u := a.u
	if u == nil {
		u = &scenario.User{}
	}
	body := c.simpleUserOf(a)
	body["name"] = strOrNull(u.Name)
	body["company"] = strOrNull(u.Company)
	body["blog"] = u.Blog // GitHub sends "" rather than null for blog
	body["location"] = strOrNull(u.Location)
	body["email"] = strOrNull(u.Email)
	body["hireable"] = nil
	body["bio"] = strOrNull(u.Bio)
	body["twitter_username"] = nil
	body["public_repos"] = c.publicRepos(a.login)
	body["public_gists"] = 0
	body["followers"] = 0
	body["following"] = 0
	created := c.createdAt(u)
	body["created_at"] = ts(created)
	body["updated_at"] = ts(created)
	resp := jsonResponse(http.StatusOK, body)
	resp.lastModified = created
	return resp
}

// createdAt gives accounts without a creation date one before any event.
func (c *reqCtx) createdAt(u *scenario.User) time.Time {
	if u.CreatedAt.IsZero() {
		return time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return u.CreatedAt
}

func (c *reqCtx) orgSimple(a account, description string) obj {
	u := c.base + "/orgs/" + url.PathEscape(a.login)
	return obj{
		"login":              a.login,
		"id":                 a.id,
		"node_id":            nodeID("Organization", a.id),
		"url":                u,
		"repos_url":          u + "/repos",
		"events_url":         u + "/events",
		"hooks_url":          u + "/hooks",
		"issues_url":         u + "/issues",
		"members_url":        u + "/members{/member}",
		"public_members_url": u + "/public_members{/member}",
		"avatar_url":         c.web + "/avatars/u/" + itoa(a.id) + "?v=4",
		"description":        strOrNull(description),
	}
}

// handleUserOrgs serves GET /users/{username}/orgs: public memberships only,
// which is all GitHub shows to anyone but the user.
func handleUserOrgs(c *reqCtx) *response {
	a, ok := c.lookupAccount(c.params["username"])
	if !ok {
		return notFound()
	}
	var orgs []obj
	if a.u != nil {
		for _, login := range a.u.Orgs {
			o := c.idx.account(login)
			if o.u != nil && !atOrBefore(o.u.CreatedAt, c.snap.horizon) {
				continue
			}
			desc := ""
			if o.u != nil {
				desc = o.u.Bio
			}
			orgs = append(orgs, c.orgSimple(o, desc))
		}
	}
	return c.paginate(len(orgs), func(i int) any { return orgs[i] })
}

// handleOrg serves GET /orgs/{org}; a user login is 404 there, as on GitHub.
func handleOrg(c *reqCtx) *response {
	a, ok := c.lookupAccount(c.params["org"])
	if !ok || a.typ != "Organization" {
		return notFound()
	}
	u := a.u
	if u == nil {
		u = &scenario.User{}
	}
	body := c.orgSimple(a, u.Bio)
	// GitHub sends null for an organisation's unset profile fields, but the
	// 2020 description types them as non-nullable strings (blog even as a
	// URI), so unset ones are left out: clients see them as absent either way.
	for k, val := range map[string]string{"name": u.Name, "company": u.Company, "blog": u.Blog, "location": u.Location, "email": u.Email} {
		if val != "" {
			body[k] = val
		}
	}
	body["twitter_username"] = nil
	body["is_verified"] = false
	body["has_organization_projects"] = true
	body["has_repository_projects"] = true
	body["public_repos"] = c.publicRepos(a.login)
	body["public_gists"] = 0
	body["followers"] = 0
	body["following"] = 0
	body["html_url"] = c.web + "/" + url.PathEscape(a.login)
	created := c.createdAt(u)
	body["created_at"] = ts(created)
	body["updated_at"] = ts(created)
	body["archived_at"] = nil
	body["type"] = "Organization"
	resp := jsonResponse(http.StatusOK, body)
	resp.lastModified = created
	return resp
}

// handleOrgRepos serves GET /orgs/{org}/repos (type, sort, direction).
func handleOrgRepos(c *reqCtx) *response {
	a, ok := c.lookupAccount(c.params["org"])
	if !ok || a.typ != "Organization" {
		return notFound()
	}
	switch c.query.Get("type") {
	case "", "all", "public", "sources", "forks", "private", "member":
	default:
		return validationFailed("Repository", "type")
	}
	return c.repoList(a.login, "created")
}

// handleUserRepos serves GET /users/{username}/repos (type, sort, direction).
func handleUserRepos(c *reqCtx) *response {
	a, ok := c.lookupAccount(c.params["username"])
	if !ok {
		return notFound()
	}
	switch c.query.Get("type") {
	case "", "all", "owner", "member":
	default:
		return validationFailed("Repository", "type")
	}
	return c.repoList(a.login, "full_name")
}

// repoList lists an account's repositories. Accounts own a handful of
// repositories, so sorting per request is cheap.
func (c *reqCtx) repoList(owner, defaultSort string) *response {
	var list []*repoView
	for _, ri := range c.idx.reposByOwner[strings.ToLower(owner)] {
		v := c.snap.repos[ri.pos]
		if !v.visible {
			continue
		}
		switch c.query.Get("type") {
		case "private", "member":
			continue // the fake's repositories are public and owned
		case "forks":
			if !ri.repo.Fork {
				continue
			}
		case "sources":
			if ri.repo.Fork {
				continue
			}
		}
		list = append(list, v)
	}
	sortKey := c.query.Get("sort")
	if sortKey == "" {
		sortKey = defaultSort
	}
	var key func(a, b *repoView) int
	switch sortKey {
	case "created":
		key = func(a, b *repoView) int { return a.ri.repo.CreatedAt.Compare(b.ri.repo.CreatedAt) }
	case "updated":
		key = func(a, b *repoView) int { return a.updatedAt.Compare(b.updatedAt) }
	case "pushed":
		key = func(a, b *repoView) int { return a.pushedAt.Compare(b.pushedAt) }
	case "full_name":
		key = func(a, b *repoView) int {
			return strings.Compare(strings.ToLower(a.ri.repo.FullName()), strings.ToLower(b.ri.repo.FullName()))
		}
	default:
		return validationFailed("Repository", "sort")
	}
	slices.SortStableFunc(list, key)
	desc, bad := c.direction(sortKey != "full_name")
	if bad {
		return validationFailed("Repository", "direction")
	}
	sp := span[*repoView]{items: list, desc: desc}
	return c.paginate(sp.n(), func(i int) any { return c.repoJSON(sp.at(i), false) })
}

// direction reads the direction parameter; defDesc is the endpoint's default.
func (c *reqCtx) direction(defDesc bool) (desc, bad bool) {
	switch c.query.Get("direction") {
	case "":
		return defDesc, false
	case "asc":
		return false, false
	case "desc":
		return true, false
	}
	return false, true
}
