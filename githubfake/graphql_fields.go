package githubfake

import (
	"fmt"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/gitobj"
)

// graphqlFields are the GraphQL fields the fake serves, by object type and
// field name. Serving a new field is adding its resolver here: the executor
// does aliases, fragments, variables and __typename for all of them, and the
// schema has already rejected anything GitHub would.
var graphqlFields map[string]map[string]resolver

func init() {
	accountFields := map[string]resolver{
		"login": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(account).login, nil },
		"id": func(_ *executor, p any, _ map[string]any) (any, error) {
			a := p.(account)
			return nodeID(nodeType(a.typ), a.id), nil
		},
		"databaseId":               func(_ *executor, p any, _ map[string]any) (any, error) { return p.(account).id, nil },
		"name":                     accountName,
		"createdAt":                accountCreated,
		"hasSponsorsListing":       func(_ *executor, p any, _ map[string]any) (any, error) { return sponsorsOf(p.(account)) != nil, nil },
		"sponsorsListing":          sponsorsListing,
		"sponsors":                 sponsorsCount,
		"sponsorshipsAsMaintainer": sponsorshipsAsMaintainer,
	}
	profileField := func(get func(*scenario.User) string, null bool) resolver {
		return func(_ *executor, p any, _ map[string]any) (any, error) {
			if u := p.(account).u; u != nil && get(u) != "" {
				return get(u), nil
			}
			if null {
				return nil, nil
			}
			return "", nil // GitHub's email is String!: "" when not public
		}
	}
	user := map[string]resolver{
		"company":    profileField(func(u *scenario.User) string { return u.Company }, true),
		"location":   profileField(func(u *scenario.User) string { return u.Location }, true),
		"websiteUrl": profileField(func(u *scenario.User) string { return u.Blog }, true),
		"email":      profileField(func(u *scenario.User) string { return u.Email }, false),
		// Public memberships, as REST's /users/{u}/orgs: organisations
		// that exist by the horizon.
		"organizations": func(e *executor, p any, _ map[string]any) (any, error) {
			var orgs []gqlObject
			if u := p.(account).u; u != nil {
				for _, login := range u.Orgs {
					o := e.c.idx.account(login)
					if o.u != nil && !atOrBefore(o.u.CreatedAt, e.c.snap.horizon) {
						continue
					}
					orgs = append(orgs, gqlObject{typ: "Organization", v: o})
				}
			}
			return gqlObject{typ: "OrganizationConnection", v: orgs}, nil
		},
	}
	for k, v := range accountFields {
		user[k] = v
	}
	graphqlFields = map[string]map[string]resolver{
		"Query": {
			"rateLimit":       rateLimitField,
			"user":            queryUser,
			"organization":    queryOrganization,
			"repositoryOwner": queryRepositoryOwner,
			"repository":      queryRepository,
		},
		"RateLimit": {
			"cost":      func(e *executor, _ any, _ map[string]any) (any, error) { return e.spent, nil },
			"limit":     func(e *executor, _ any, _ map[string]any) (any, error) { return e.rate.limit, nil },
			"remaining": func(e *executor, _ any, _ map[string]any) (any, error) { return e.rate.remaining, nil },
			"used":      func(e *executor, _ any, _ map[string]any) (any, error) { return e.rate.used, nil },
			"resetAt":   func(e *executor, _ any, _ map[string]any) (any, error) { return ts(time.Unix(e.rate.reset, 0)), nil },
			"nodeCount": func(e *executor, _ any, _ map[string]any) (any, error) { return e.nodes, nil },
		},
		"User":         user,
		"Organization": accountFields,
		"SponsorsListing": {
			"name":     func(_ *executor, p any, _ map[string]any) (any, error) { return "sponsors-" + p.(account).login, nil },
			"slug":     func(_ *executor, p any, _ map[string]any) (any, error) { return "sponsors-" + p.(account).login, nil },
			"isPublic": func(_ *executor, _ any, _ map[string]any) (any, error) { return true, nil },
			"url": func(e *executor, p any, _ map[string]any) (any, error) {
				return e.c.web + "/sponsors/" + p.(account).login, nil
			},
			"activeGoal": func(_ *executor, p any, _ map[string]any) (any, error) {
				if g := sponsorsOf(p.(account)).Goal; g != nil {
					return gqlObject{typ: "SponsorsGoal", v: g}, nil
				}
				return nil, nil
			},
		},
		"SponsorsGoal": {
			"kind": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.SponsorsGoal).Kind, nil },
			"targetValue": func(_ *executor, p any, _ map[string]any) (any, error) {
				return p.(*scenario.SponsorsGoal).TargetValue, nil
			},
			"percentComplete": func(_ *executor, p any, _ map[string]any) (any, error) {
				return p.(*scenario.SponsorsGoal).PercentComplete, nil
			},
			"title": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.SponsorsGoal).Title, nil },
			"description": func(_ *executor, p any, _ map[string]any) (any, error) {
				return strOrNull(p.(*scenario.SponsorsGoal).Description), nil
			},
		},
		"OrganizationConnection": {
			"nodes":      func(_ *executor, p any, _ map[string]any) (any, error) { return p.([]gqlObject), nil },
			"totalCount": func(_ *executor, p any, _ map[string]any) (any, error) { return len(p.([]gqlObject)), nil },
		},
		"SponsorConnection":     {"totalCount": totalCount},
		"SponsorshipConnection": {"totalCount": totalCount},
		"IssueConnection":       {"totalCount": totalCount},
		"PullRequestConnection": {"totalCount": totalCount},
		"ReleaseConnection":     {"totalCount": totalCount},
		"Repository":            repositoryFields,
		"Blob": {
			"oid":      func(_ *executor, p any, _ map[string]any) (any, error) { return gitobj.BlobID([]byte(p.(blob))), nil },
			"byteSize": func(_ *executor, p any, _ map[string]any) (any, error) { return len(p.(blob)), nil },
			"isBinary": func(_ *executor, _ any, _ map[string]any) (any, error) { return false, nil },
			"text":     func(_ *executor, p any, _ map[string]any) (any, error) { return string(p.(blob)), nil },
		},
		"Commit": {
			"oid": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*scenario.Commit).SHA, nil },
			"author": func(_ *executor, p any, _ map[string]any) (any, error) {
				c := p.(*scenario.Commit)
				return gqlObject{typ: "GitActor", v: gitActor{c.AuthorName, c.AuthorEmail, c.AuthorLogin, c.AuthorDate}}, nil
			},
			"committer": func(_ *executor, p any, _ map[string]any) (any, error) {
				c := p.(*scenario.Commit)
				return gqlObject{typ: "GitActor", v: gitActor{c.CommitterName, c.CommitterEmail, c.CommitterLogin, c.CommitterDate}}, nil
			},
			// GitTimestamp keeps the author's offset, unlike REST.
			"authoredDate": func(_ *executor, p any, _ map[string]any) (any, error) {
				return gitTimestamp(p.(*scenario.Commit).AuthorDate), nil
			},
			"committedDate": func(_ *executor, p any, _ map[string]any) (any, error) {
				return gitTimestamp(p.(*scenario.Commit).CommitterDate), nil
			},
			"messageHeadline": func(_ *executor, p any, _ map[string]any) (any, error) {
				h, _, _ := strings.Cut(p.(*scenario.Commit).Message, "\n")
				return h, nil
			},
		},
		"GitActor": {
			"name":  func(_ *executor, p any, _ map[string]any) (any, error) { return p.(gitActor).name, nil },
			"email": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(gitActor).email, nil },
			"date":  func(_ *executor, p any, _ map[string]any) (any, error) { return gitTimestamp(p.(gitActor).date), nil },
			"user": func(e *executor, p any, _ map[string]any) (any, error) {
				// The account the email is linked to, when it exists at the
				// horizon; null for an unlinked email, as on GitHub.
				// GitActor.user is a User: bots have none.
				a, ok := e.c.lookupAccount(p.(gitActor).login)
				if p.(gitActor).login == "" || !ok || a.typ != "User" {
					return nil, nil
				}
				return gqlObject{typ: "User", v: a}, nil
			},
		},
	}
}

// blob is the content of a file the fake serves through Repository.object.
type blob string

// gitActor is a commit's author or committer.
type gitActor struct {
	name, email, login string
	date               time.Time
}

// gitTimestamp is GraphQL's GitTimestamp: ISO 8601 with the actor's own
// offset.
func gitTimestamp(t time.Time) string { return t.Format(time.RFC3339) }

// repositoryObject serves Repository.object: a commit by oid (or HEAD /
// the default branch), or the blob of a file at HEAD by expression
// "HEAD:path" (or "<default branch>:path"). The only file the fake's
// repositories hold is .github/FUNDING.yml. Anything else is null, as
// GitHub answers for a path or object that does not exist.
func repositoryObject(_ *executor, p any, args map[string]any) (any, error) {
	v := p.(*repoView)
	head := func() any {
		if v.nCommits == 0 {
			return nil
		}
		return gqlObject{typ: "Commit", v: v.ri.commits[v.nCommits-1]}
	}
	if oid, ok := args["oid"].(string); ok {
		if i, ok := v.ri.shaPos[strings.ToLower(oid)]; ok && i < v.nCommits {
			return gqlObject{typ: "Commit", v: v.ri.commits[i]}, nil
		}
		return nil, nil
	}
	expr, _ := args["expression"].(string)
	rev, path, hasPath := strings.Cut(expr, ":")
	if rev != "HEAD" && rev != v.ri.repo.DefaultBranch && rev != "" {
		if i, ok := v.ri.shaPos[strings.ToLower(rev)]; !ok || i >= v.nCommits || hasPath {
			return nil, nil
		}
		return gqlObject{typ: "Commit", v: v.ri.commits[v.ri.shaPos[strings.ToLower(rev)]]}, nil
	}
	if !hasPath {
		return head(), nil
	}
	if v.nCommits == 0 || path != ".github/FUNDING.yml" || v.ri.repo.FundingYML == "" {
		return nil, nil
	}
	return gqlObject{typ: "Blob", v: blob(v.ri.repo.FundingYML)}, nil
}

// count is a connection of which the fake serves only totalCount.
type count int

func totalCount(_ *executor, p any, _ map[string]any) (any, error) { return int(p.(count)), nil }

func rateLimitField(_ *executor, _ any, _ map[string]any) (any, error) {
	return gqlObject{typ: "RateLimit"}, nil
}

// lookup resolves a login for the root fields: accounts that exist at the
// horizon, as REST's /users/{username} sees them.
func (e *executor) lookup(args map[string]any) (account, bool) {
	login, _ := args["login"].(string)
	return e.c.lookupAccount(login)
}

func queryUser(e *executor, _ any, args map[string]any) (any, error) {
	if a, ok := e.lookup(args); ok && a.typ == "User" {
		return gqlObject{typ: "User", v: a}, nil
	}
	return nil, &fieldError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to a User with the login of '%s'.", args["login"])}
}

func queryOrganization(e *executor, _ any, args map[string]any) (any, error) {
	if a, ok := e.lookup(args); ok && a.typ == "Organization" {
		return gqlObject{typ: "Organization", v: a}, nil
	}
	return nil, &fieldError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to an Organization with the login of '%s'.", args["login"])}
}

// queryRepositoryOwner is null, without an error, for a login that owns
// nothing (unknown, or a bot), as on GitHub.
func queryRepositoryOwner(e *executor, _ any, args map[string]any) (any, error) {
	a, ok := e.lookup(args)
	if !ok || (a.typ != "User" && a.typ != "Organization") {
		return nil, nil
	}
	return gqlObject{typ: a.typ, v: a}, nil
}

func accountName(_ *executor, p any, _ map[string]any) (any, error) {
	if u := p.(account).u; u != nil && u.Name != "" {
		return u.Name, nil
	}
	return nil, nil
}

func accountCreated(e *executor, p any, _ map[string]any) (any, error) {
	u := p.(account).u
	if u == nil {
		u = &scenario.User{}
	}
	return ts(e.c.createdAt(u)), nil
}

func sponsorsOf(a account) *scenario.Sponsors {
	if a.u == nil || a.u.Sponsors == nil || !a.u.Sponsors.HasListing {
		return nil
	}
	return a.u.Sponsors
}

func sponsorsListing(_ *executor, p any, _ map[string]any) (any, error) {
	if sponsorsOf(p.(account)) == nil {
		return nil, nil
	}
	return gqlObject{typ: "SponsorsListing", v: p}, nil
}

// sponsorsCount serves Sponsorable.sponsors: the sponsors anyone can see,
// so private sponsors are not in its totalCount.
func sponsorsCount(_ *executor, p any, _ map[string]any) (any, error) {
	n := 0
	if sp := sponsorsOf(p.(account)); sp != nil {
		n = sp.Public
	}
	return gqlObject{typ: "SponsorConnection", v: count(n)}, nil
}

// sponsorshipsAsMaintainer counts active sponsorships; includePrivate adds
// the private ones, whose number (not identity) GitHub shows to anyone.
func sponsorshipsAsMaintainer(_ *executor, p any, args map[string]any) (any, error) {
	n := 0
	if sp := sponsorsOf(p.(account)); sp != nil {
		n = sp.Public
		if args["includePrivate"] == true {
			n += sp.Private
		}
	}
	return gqlObject{typ: "SponsorshipConnection", v: count(n)}, nil
}

// queryRepository serves repository(owner:, name:), the entry of the
// batched change probe.
func queryRepository(e *executor, _ any, args map[string]any) (any, error) {
	owner, _ := args["owner"].(string)
	name, _ := args["name"].(string)
	full := owner + "/" + name
	if e.c.states != nil {
		// Conditions set with SetRepoState hold for GraphQL too: a deleted
		// or blocked repository cannot be resolved; an old name resolves
		// to the repository it was renamed to, as on GitHub.
		switch st := e.c.states.get(full); st.Condition {
		case RepoDeleted:
			return nil, &fieldError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to a Repository with the name '%s'.", full)}
		case RepoBlocked:
			return nil, &fieldError{typ: "FORBIDDEN", msg: fmt.Sprintf("Repository access blocked: '%s'.", full)}
		case RepoRenamed:
			full = st.To
		}
	}
	if ri := e.c.idx.repoByName[strings.ToLower(full)]; ri != nil {
		if v := e.c.snap.repos[ri.pos]; v.visible {
			return gqlObject{typ: "Repository", v: v}, nil
		}
	}
	return nil, &fieldError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name)}
}

var repositoryFields = map[string]resolver{
	"object":        repositoryObject,
	"name":          func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.Name, nil },
	"nameWithOwner": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.FullName(), nil },
	"owner": func(e *executor, p any, _ map[string]any) (any, error) {
		a := e.c.idx.account(p.(*repoView).ri.repo.Owner)
		return gqlObject{typ: nodeType(a.typ), v: a}, nil
	},
	"databaseId": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.ID, nil },
	"createdAt": func(_ *executor, p any, _ map[string]any) (any, error) {
		return ts(p.(*repoView).ri.repo.CreatedAt), nil
	},
	"pushedAt":   func(_ *executor, p any, _ map[string]any) (any, error) { return tsOrNull(p.(*repoView).pushedAt), nil },
	"updatedAt":  func(_ *executor, p any, _ map[string]any) (any, error) { return ts(p.(*repoView).updatedAt), nil },
	"isArchived": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).archived, nil },
	"archivedAt": func(_ *executor, p any, _ map[string]any) (any, error) {
		if v := p.(*repoView); v.archived {
			return ts(v.ri.repo.ArchivedAt), nil
		}
		return nil, nil
	},
	"isFork":         func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.Fork, nil },
	"stargazerCount": func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.Stars, nil },
	"forkCount":      func(_ *executor, p any, _ map[string]any) (any, error) { return p.(*repoView).ri.repo.Forks, nil },
	"issues": func(_ *executor, p any, args map[string]any) (any, error) {
		return gqlObject{typ: "IssueConnection", v: countIssues(p.(*repoView), false, args["states"])}, nil
	},
	"pullRequests": func(_ *executor, p any, args map[string]any) (any, error) {
		return gqlObject{typ: "PullRequestConnection", v: countIssues(p.(*repoView), true, args["states"])}, nil
	},
	"releases": func(_ *executor, p any, _ map[string]any) (any, error) {
		n := 0
		for _, r := range p.(*repoView).releases {
			if !r.Draft { // drafts are visible to collaborators only
				n++
			}
		}
		return gqlObject{typ: "ReleaseConnection", v: count(n)}, nil
	},
	// latestRelease is GitHub's "latest release", as REST's
	// /releases/latest: the newest by creation of those neither draft nor
	// pre-release; null when there is none.
	"latestRelease": func(_ *executor, p any, _ map[string]any) (any, error) {
		var latest *scenario.Release
		for _, r := range p.(*repoView).releases {
			if !r.Draft && !r.Prerelease && (latest == nil || !r.CreatedAt.Before(latest.CreatedAt)) {
				latest = r
			}
		}
		if latest == nil {
			return nil, nil
		}
		return gqlObject{typ: "Release", v: latest}, nil
	},
}

// countIssues counts issues or pull requests in the given GraphQL states
// (OPEN, CLOSED, and MERGED for pull requests); no states means all. A
// single state stands for a list of one, as GraphQL's input coercion says
// (the change probe asks `issues(states: OPEN)`).
func countIssues(v *repoView, pulls bool, states any) count {
	want := map[string]bool{}
	list, ok := states.([]any)
	if !ok && states != nil {
		list = []any{states}
	}
	for _, s := range list {
		if s, ok := s.(string); ok {
			want[s] = true
		}
	}
	n := 0
	for _, iv := range v.issues {
		if iv.is.IsPull != pulls {
			continue
		}
		state := "OPEN"
		switch {
		case pulls && !iv.mergedAt.IsZero():
			state = "MERGED"
		case iv.state == "closed":
			state = "CLOSED"
		}
		if len(want) == 0 || want[state] {
			n++
		}
	}
	return count(n)
}
