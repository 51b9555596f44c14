package githubfake

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// RepoCondition is how GitHub treats a repository name beyond serving it.
type RepoCondition string

// Repository conditions.
const (
	// RepoDeleted answers 404 on every path of the repository, as GitHub
	// does for a deleted (or now private) repository.
	RepoDeleted RepoCondition = "deleted"
	// RepoBlocked answers 451 with GitHub's block body (a DMCA takedown).
	RepoBlocked RepoCondition = "blocked"
	// RepoEmpty answers /commits with 409 "Git Repository is empty.", as
	// for a repository nobody pushed to yet.
	RepoEmpty RepoCondition = "empty"
	// RepoRenamed is an old name: every path under it answers 301 with
	// Location on /repositories/{id} of the repository now called
	// RepoState.To (which must be in the world), as GitHub answers for a
	// renamed or transferred repository.
	RepoRenamed RepoCondition = "renamed"
)

// RepoState is the condition of one repository name.
type RepoState struct {
	Condition RepoCondition
	// To is the current full name of a renamed repository.
	To string
}

type repoStates struct {
	mu sync.RWMutex
	m  map[string]RepoState // by lower-case owner/name
}

func (rs *repoStates) get(name string) RepoState {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return rs.m[strings.ToLower(name)]
}

// SetRepoState sets the condition of a repository name from now on; the
// zero RepoState makes it an ordinary repository again.
func (s *Server) SetRepoState(name string, st RepoState) {
	s.states.mu.Lock()
	defer s.states.mu.Unlock()
	if s.states.m == nil {
		s.states.m = map[string]RepoState{}
	}
	if st.Condition == "" {
		delete(s.states.m, strings.ToLower(name))
		return
	}
	s.states.m[strings.ToLower(name)] = st
}

const (
	redirectDocs = "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects"
	blockedDocs  = "https://docs.github.com/rest/repos/repos#get-a-repository"
)

// repoPrefix is how many path segments name the repository in
// /repos/{owner}/{repo}/... and /repositories/{id}/...
func repoPrefix(byID bool) int {
	if byID {
		return 2
	}
	return 3
}

// resolveRepositoryID turns /repositories/{id} parameters into the owner
// and name of the repository with that id; false when there is none.
func (s *Server) resolveRepositoryID(params map[string]string) bool {
	id, err := strconv.ParseInt(params["id"], 10, 64)
	if err != nil {
		return false
	}
	for _, ri := range s.idx.repos {
		if ri.repo.ID == id {
			params["owner"], params["repo"] = ri.repo.Owner, ri.repo.Name
			return true
		}
	}
	return false
}

// repoStateResponse is the answer a repository's condition imposes on a
// request under it, or nil when it is served normally. path is the
// request path without any enterprise prefix.
func (s *Server) repoStateResponse(c *reqCtx, rt *route, path string, byID bool) *response {
	if _, ok := c.params["owner"]; !ok {
		return nil
	}
	st := s.states.get(c.params["owner"] + "/" + c.params["repo"])
	switch st.Condition {
	case RepoDeleted:
		return notFound()
	case RepoBlocked:
		return jsonResponse(http.StatusUnavailableForLegalReasons, obj{
			"message": "Repository access blocked",
			"block": obj{
				"reason":     "dmca",
				"created_at": ts(c.snap.horizon),
				"html_url":   "https://github.com/github/dmca/blob/master/" + c.params["owner"] + "-" + c.params["repo"] + ".md",
			},
			"documentation_url": blockedDocs,
		})
	case RepoEmpty:
		if strings.HasSuffix(rt.template, "/commits") {
			return errorResponse(http.StatusConflict, "Git Repository is empty.", "https://docs.github.com/rest/commits/commits#list-commits")
		}
	case RepoRenamed:
		if byID {
			return nil
		}
		ri := s.idx.repoByName[strings.ToLower(st.To)]
		if ri == nil {
			return notFound()
		}
		parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
		loc := c.base + "/repositories/" + itoa(ri.repo.ID)
		if rest := parts[repoPrefix(false):]; len(rest) > 0 {
			loc += "/" + strings.Join(rest, "/")
		}
		if c.r.URL.RawQuery != "" {
			loc += "?" + c.r.URL.RawQuery
		}
		resp := jsonResponse(http.StatusMovedPermanently, obj{"message": "Moved Permanently", "url": loc, "documentation_url": redirectDocs})
		resp.location = loc
		return resp
	}
	return nil
}
