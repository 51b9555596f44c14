package githubfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// restSubset is GitHub's published OpenAPI description of the operations
// fundwatch reads, kept in testdata (see testdata/github-api/SOURCES.md) so
// that every clone checks the fake against it.
var restSubset = filepath.Join("testdata", "github-api", "rest-subset.json")

type openAPI struct {
	Operations map[string]struct {
		Responses map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"responses"`
	} `json:"operations"`
}

// schema is the part of JSON Schema (OpenAPI 3.0 flavour) the checker needs.
type schema struct {
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Nullable   bool               `json:"nullable"`
	Required   []string           `json:"required"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	Enum       []any              `json:"enum"`
	AllOf      []*schema          `json:"allOf"`
	AnyOf      []*schema          `json:"anyOf"`
	OneOf      []*schema          `json:"oneOf"`
}

// validate checks v against s: types, nullability, required properties,
// enums, date-time/uri/email formats, recursively through properties and
// items. Properties absent from the schema are not checked: newer GitHub
// responses carry more fields than the 2020 description. Timestamps must be
// RFC 3339 in UTC ("Z"), as the REST API sends them.
func validate(s *schema, v any, path string) []string {
	if s == nil {
		return nil
	}
	if v == nil {
		if s.Nullable || (len(s.AllOf) > 0 && allNullable(s.AllOf)) || s.Type == "" && len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
			return nil
		}
		return []string{path + ": null but not nullable"}
	}
	var errs []string
	for _, sub := range s.AllOf {
		errs = append(errs, validate(sub, v, path)...)
	}
	for _, alts := range [][]*schema{s.OneOf, s.AnyOf} {
		if len(alts) == 0 {
			continue
		}
		var best []string
		ok := false
		for _, alt := range alts {
			e := validate(alt, v, path)
			if len(e) == 0 {
				ok = true
				break
			}
			if best == nil || len(e) < len(best) {
				best = e
			}
		}
		if !ok {
			errs = append(errs, append([]string{path + ": matches no alternative; closest:"}, best...)...)
		}
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want object", path, v))
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				errs = append(errs, path+"."+r+": required field missing")
			}
		}
		keys := make([]string, 0, len(s.Properties))
		for k := range s.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if fv, ok := m[k]; ok {
				errs = append(errs, validate(s.Properties[k], fv, path+"."+k)...)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want array", path, v))
		}
		for i, it := range a {
			errs = append(errs, validate(s.Items, it, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want string", path, v))
		}
		switch s.Format {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil || !strings.HasSuffix(str, "Z") {
				errs = append(errs, fmt.Sprintf("%s: %q is not an RFC 3339 UTC timestamp", path, str))
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || u.Scheme == "" {
				errs = append(errs, fmt.Sprintf("%s: %q is not an absolute URI", path, str))
			}
		case "email":
			if !strings.Contains(str, "@") {
				errs = append(errs, fmt.Sprintf("%s: %q is not an email", path, str))
			}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return append(errs, fmt.Sprintf("%s: %v (%T), want integer", path, v, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return append(errs, fmt.Sprintf("%s: %T, want number", path, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return append(errs, fmt.Sprintf("%s: %T, want boolean", path, v))
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if e == v {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", path, v, s.Enum))
		}
	}
	return errs
}

func allNullable(ss []*schema) bool {
	for _, s := range ss {
		if !s.Nullable {
			return false
		}
	}
	return true
}

// TestSchemaChecker makes sure the checker itself catches what it must.
func TestSchemaChecker(t *testing.T) {
	t.Parallel()
	s := &schema{Type: "object", Required: []string{"id", "when"}, Properties: map[string]*schema{
		"id":    {Type: "integer"},
		"when":  {Type: "string", Format: "date-time"},
		"owner": {AllOf: []*schema{{Type: "object", Required: []string{"login"}}}, Nullable: true},
		"tags":  {Type: "array", Items: &schema{Type: "string"}},
		"state": {Type: "string", Enum: []any{"open", "closed"}},
	}}
	tests := []struct {
		name string
		doc  string
		bad  bool
	}{
		{"ok", `{"id":1,"when":"2020-01-01T00:00:00Z","owner":null,"tags":["a"],"state":"open","extra":true}`, false},
		{"missing required", `{"id":1}`, true},
		{"wrong type", `{"id":"1","when":"2020-01-01T00:00:00Z"}`, true},
		{"not integer", `{"id":1.5,"when":"2020-01-01T00:00:00Z"}`, true},
		{"offset timestamp", `{"id":1,"when":"2020-01-01T02:00:00+02:00"}`, true},
		{"allOf required", `{"id":1,"when":"2020-01-01T00:00:00Z","owner":{}}`, true},
		{"item type", `{"id":1,"when":"2020-01-01T00:00:00Z","tags":[1]}`, true},
		{"enum", `{"id":1,"when":"2020-01-01T00:00:00Z","state":"merged"}`, true},
		{"null not nullable", `{"id":null,"when":"2020-01-01T00:00:00Z"}`, true},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.doc), &v); err != nil {
			t.Fatal(err)
		}
		if errs := validate(s, v, "$"); (len(errs) > 0) != tt.bad {
			t.Errorf("%s: errors %v, want bad=%v", tt.name, errs, tt.bad)
		}
	}
}

// commitsException is the real shape of a list-commits item. The 2020
// snapshot's 200 schema for GET /repos/{owner}/{repo}/commits is a bogus
// "Simple Commit" ({id, tree_id, message, timestamp, author, committer});
// api.github.com and go-github's RepositoryCommit use this one, which later
// versions of the description also document.
const commitsException = `{
  "type": "array",
  "items": {
    "type": "object",
    "required": ["sha", "node_id", "url", "html_url", "comments_url", "commit", "author", "committer", "parents"],
    "properties": {
      "sha": {"type": "string"},
      "node_id": {"type": "string"},
      "url": {"type": "string", "format": "uri"},
      "html_url": {"type": "string", "format": "uri"},
      "comments_url": {"type": "string", "format": "uri"},
      "commit": {
        "type": "object",
        "required": ["author", "committer", "message", "tree", "url", "comment_count"],
        "properties": {
          "author": {"type": "object", "nullable": true, "required": ["name", "email", "date"],
            "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "date": {"type": "string", "format": "date-time"}}},
          "committer": {"type": "object", "nullable": true, "required": ["name", "email", "date"],
            "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "date": {"type": "string", "format": "date-time"}}},
          "message": {"type": "string"},
          "tree": {"type": "object", "required": ["sha", "url"], "properties": {"sha": {"type": "string"}, "url": {"type": "string", "format": "uri"}}},
          "url": {"type": "string", "format": "uri"},
          "comment_count": {"type": "integer"}
        }
      },
      "author": {"type": "object", "nullable": true, "required": ["login", "id", "node_id", "type", "site_admin", "url", "html_url"],
        "properties": {"login": {"type": "string"}, "id": {"type": "integer"}, "type": {"type": "string"}, "site_admin": {"type": "boolean"}}},
      "committer": {"type": "object", "nullable": true, "required": ["login", "id", "node_id", "type", "site_admin", "url", "html_url"],
        "properties": {"login": {"type": "string"}, "id": {"type": "integer"}, "type": {"type": "string"}, "site_admin": {"type": "boolean"}}},
      "parents": {"type": "array", "items": {"type": "object", "required": ["sha", "url"],
        "properties": {"sha": {"type": "string"}, "url": {"type": "string", "format": "uri"}}}}
    }
  }
}`

// TestConformance requests every operation of rest-subset.json that the fake
// serves and validates the 200 body against the operation's schema (the
// commits operation against commitsException, plus go-github decoding).
func TestConformance(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(restSubset)
	if err != nil {
		t.Fatal(err)
	}
	var spec openAPI
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("%s: %v", restSubset, err)
	}
	_, srv := newTestServer(t, Options{})

	// Paths chosen so lists are non-empty and every optional object
	// (pull_request, closed_at, labels, anonymous contributors, orgs) occurs.
	served := map[string]string{
		"GET /orgs/{org}":                             "/orgs/acme",
		"GET /orgs/{org}/repos":                       "/orgs/acme/repos",
		"GET /rate_limit":                             "/rate_limit",
		"GET /repos/{owner}/{repo}":                   "/repos/acme/widget",
		"GET /repos/{owner}/{repo}/commits":           "/repos/acme/widget/commits?per_page=100",
		"GET /repos/{owner}/{repo}/contents/{path}":   "/repos/acme/widget/contents/.github/FUNDING.yml",
		"GET /repos/{owner}/{repo}/contributors":      "/repos/acme/widget/contributors?anon=1",
		"GET /repos/{owner}/{repo}/issues":            "/repos/acme/widget/issues?state=all&per_page=100",
		"GET /repos/{owner}/{repo}/issues/comments":   "/repos/acme/widget/issues/comments?per_page=100",
		"GET /repos/{owner}/{repo}/pulls":             "/repos/acme/widget/pulls?state=all&per_page=100",
		"GET /repos/{owner}/{repo}/releases":          "/repos/acme/widget/releases",
		"GET /repos/{owner}/{repo}/tags":              "/repos/acme/widget/tags",
		"GET /users/{username}":                       "/users/alice",
		"GET /users/{username}/orgs":                  "/users/alice/orgs",
		"GET /users/{username}/repos":                 "/users/acme/repos",
		"GET /users/{username} (bot)":                 "/users/dependabot[bot]",
		"GET /users/{username} (organization)":        "/users/acme",
		"GET /repos/{owner}/{repo} (archived, empty)": "/repos/acme/empty",
	}
	// Operations in the description the fake deliberately does not serve.
	notServed := map[string]bool{
		"GET /orgs/{org}/members":                         true,
		"GET /repos/{owner}/{repo}/community/profile":     true,
		"GET /repos/{owner}/{repo}/stats/commit_activity": true,
		"GET /repos/{owner}/{repo}/stats/contributors":    true,
		"GET /search/issues":                              true,
	}
	for op := range spec.Operations {
		if _, ok := served[op]; !ok && !notServed[op] {
			t.Errorf("operation %s is in %s but neither served nor listed as not served", op, restSubset)
		}
	}

	for name, path := range served {
		op := strings.SplitN(name, " (", 2)[0]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o, ok := spec.Operations[op]
			if !ok {
				t.Fatalf("%s not in %s", op, restSubset)
			}
			resp, body := get(t, srv.URL+path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
			}
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			if a, ok := v.([]any); ok && len(a) == 0 {
				t.Fatalf("GET %s: empty list validates nothing", path)
			}
			s := o.Responses["200"].Schema
			if op == "GET /repos/{owner}/{repo}/commits" {
				s = new(schema)
				if err := json.Unmarshal([]byte(commitsException), s); err != nil {
					t.Fatal(err)
				}
				var rc []*github.RepositoryCommit
				if err := json.Unmarshal(body, &rc); err != nil {
					t.Fatalf("go-github cannot decode commits: %v", err)
				}
				if rc[0].GetCommit().GetCommitter().GetDate().IsZero() || rc[0].GetSHA() == "" {
					t.Errorf("go-github decoded an incomplete commit: %+v", rc[0])
				}
			}
			for i, e := range validate(s, v, "$") {
				if i == 20 {
					t.Errorf("... and more")
					break
				}
				t.Error(e)
			}
		})
	}
}

// `since` filters both lists a sync reads by the time an item was last
// updated, at or after it (the overlap the collectors keep rests on that):
// an item updated exactly at since is listed, one updated a second before
// is not, whatever the order asked (by updated_at the fake searches, by
// anything else it scans), and for issues whatever the state. GitHub's
// description names the parameter on both operations.
func TestSinceIsUpdatedAtOrAfter(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(restSubset)
	if err != nil {
		t.Fatal(err)
	}
	type param struct {
		Name        string `json:"name"`
		In          string `json:"in"`
		Description string `json:"description"`
	}
	var spec struct {
		Operations map[string]struct {
			Parameters []param `json:"parameters"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	_, srv := newTestServer(t, Options{})
	base := srv.URL + "/repos/acme/widget"
	// every item of a list, all pages, as (id or number, updated_at)
	all := func(t *testing.T, path, query, key string) map[float64]time.Time {
		t.Helper()
		out := map[float64]time.Time{}
		for page := 1; ; page++ {
			var items []map[string]any
			getJSON(t, fmt.Sprintf("%s%s?%s&per_page=100&page=%d", base, path, query, page), 200, &items)
			for _, it := range items {
				u, err := time.Parse(time.RFC3339, it["updated_at"].(string))
				if err != nil {
					t.Fatal(err)
				}
				out[it[key].(float64)] = u
			}
			if len(items) < 100 {
				return out
			}
		}
	}
	for _, tt := range []struct {
		op, path, key string
		queries       []string // the list without since, in the orders tried
	}{
		{"GET /repos/{owner}/{repo}/issues", "/issues", "number", []string{
			"state=all&sort=updated&direction=desc", "state=all&sort=updated&direction=asc", "state=all&sort=created", "state=open&sort=updated", "state=closed&sort=comments"}},
		{"GET /repos/{owner}/{repo}/issues/comments", "/issues/comments", "id", []string{
			"sort=updated&direction=desc", "sort=updated&direction=asc", "sort=created", "direction=desc"}},
	} {
		t.Run(tt.op, func(t *testing.T) {
			t.Parallel()
			op, ok := spec.Operations[tt.op]
			if !ok || !slices.ContainsFunc(op.Parameters, func(p param) bool {
				return p.Name == "since" && p.In == "query" && strings.Contains(p.Description, "updated")
			}) {
				t.Fatalf("%s: GitHub's description has no `since` by update time", tt.op)
			}
			for _, q := range tt.queries {
				items := all(t, tt.path, q, tt.key)
				times := slices.SortedFunc(maps.Values(items), func(a, b time.Time) int { return a.Compare(b) })
				// since at an item's update, and a second after it: the
				// oldest, one in the middle, the newest.
				for _, u := range []time.Time{times[0], times[len(times)/2], times[len(times)-1]} {
					for _, since := range []time.Time{u, u.Add(time.Second)} {
						got := all(t, tt.path, q+"&since="+since.Format(time.RFC3339), tt.key)
						var want []float64
						for k, u := range items {
							if !u.Before(since) {
								want = append(want, k)
							}
						}
						keys := slices.Sorted(maps.Keys(got))
						slices.Sort(want)
						if !slices.Equal(keys, want) {
							t.Errorf("%s?%s&since=%s: %v, want those updated at or after it: %v", tt.path, q, since.Format(time.RFC3339), keys, want)
						}
					}
				}
			}
		})
	}
}
