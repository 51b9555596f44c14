package githubfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	gqlschema "github.com/fundwatch/fundwatch/ghgraphql/schema"
)

// GraphQLRoute is the route GraphQL requests are counted under, whichever
// path (/graphql, or GHES's /api/graphql) they came in on.
const GraphQLRoute = "/graphql"

// GitHub's GraphQL limits ("Rate limits and query limits for the GraphQL
// API"): first/last between 1 and 100, at most 500,000 nodes per query.
const (
	maxPageSize = 100
	maxNodes    = 500_000
)

const (
	graphqlDocs     = "https://docs.github.com/graphql"
	graphqlAuthDocs = "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"
)

// GraphQLPoints returns the GraphQL points charged so far (all callers).
// Refused queries (invalid, over budget) cost nothing, as on GitHub.
func (s *Server) GraphQLPoints() int { return int(s.gqlSpent.Load()) }

type graphqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// serveGraphQL answers POST /graphql the way api.github.com does: 401
// without credentials; HTTP 200 with an "errors" list for queries the
// schema rejects, for pagination mistakes and for an exhausted point
// budget (with x-ratelimit-remaining: 0); otherwise "data", plus "errors"
// entries for fields that could not be resolved (NOT_FOUND). Every answer
// is counted under GraphQLRoute.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, scheme string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v4; format=json")
	requestID := fmt.Sprintf("FAKE:%08X", s.reqSeq.Add(1))
	h.Set("X-GitHub-Request-Id", requestID)
	fault := s.faults.pick(GraphQLRoute, r.URL.Path, func(k FaultKind) bool { return k != FaultShift })
	if fault != nil && s.beforeServing(w, r, fault, GraphQLRoute) {
		return
	}
	caller := callerOf(r)
	var (
		status int
		body   []byte
	)
	if resp, fh := s.faultResponse(orNoFault(fault), r, true, requestID); resp != nil {
		s.faults.count(fault.Kind)
		for k, v := range fh {
			h[k] = v
		}
		status, body = resp.status, resp.body
	} else {
		status, body = s.graphQL(r, caller, scheme)
	}
	if status != http.StatusUnauthorized && h.Get("X-RateLimit-Remaining") == "" {
		// Charging (if any) happened in graphQL; headers show the result.
		setRateHeaders(h, s.gql.peek(caller), "graphql")
	}
	s.counts.add(GraphQLRoute, status)
	full, abort := body, false
	if fault != nil {
		var mangled bool
		if body, abort, mangled = s.mangleBody(fault, status, body); mangled {
			s.faults.count(fault.Kind)
		}
	}
	if abort {
		h.Set("Content-Length", strconv.Itoa(len(full)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// orNoFault lets faultResponse take a request without a fault.
func orNoFault(f *Fault) *Fault {
	if f == nil {
		return &Fault{}
	}
	return f
}

func (s *Server) graphQL(r *http.Request, caller caller, scheme string) (int, []byte) {
	if r.Method != http.MethodPost {
		return http.StatusNotFound, marshal(obj{"message": "Not Found", "documentation_url": graphqlDocs})
	}
	if !caller.authed {
		return http.StatusUnauthorized, marshal(obj{"message": "This endpoint requires you to be authenticated.", "documentation_url": graphqlAuthDocs})
	}
	var req graphqlRequest
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return http.StatusBadRequest, marshal(obj{"message": "Problems parsing JSON", "documentation_url": graphqlDocs})
	}
	if strings.TrimSpace(req.Query) == "" {
		return http.StatusOK, errorsBody(obj{"message": "A query attribute must be specified and must be a string."})
	}
	doc, errs := gqlschema.Parse(req.Query)
	if len(errs) > 0 {
		return http.StatusOK, errorsBody(gqlErrors(errs)...)
	}
	op, err := pickOperation(doc, req.OperationName)
	if err != nil {
		return http.StatusOK, errorsBody(obj{"message": err.Error()})
	}
	sch, _ := gqlschema.Schema() // loaded by Parse
	vars, err := validator.VariableValues(sch, op, req.Variables)
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			return http.StatusOK, errorsBody(gqlErrors(gqlerror.List{ge})...)
		}
		return http.StatusOK, errorsBody(obj{"message": err.Error()})
	}

	e := &executor{schema: sch, vars: vars}
	requests, nodes, costErrs := e.cost(op.SelectionSet, 1)
	if len(costErrs) > 0 {
		return http.StatusOK, errorsBody(costErrs...)
	}
	e.spent, e.nodes = points(requests), nodes
	st, ok := s.gql.chargeN(caller, e.spent)
	if !ok {
		// GitHub answers an exhausted GraphQL budget with 200 and this
		// error; x-ratelimit-remaining says 0.
		return http.StatusOK, errorsBody(obj{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
			"message": "API rate limit already exceeded for user ID 1."})
	}
	s.gqlSpent.Add(int64(e.spent))
	e.rate = st
	e.c = &reqCtx{r: r, snap: s.snapshot(), idx: s.idx, base: scheme + "://" + r.Host, web: scheme + "://" + r.Host, states: &s.states}
	e.doc = doc
	data := e.selectionSet(gqlObject{typ: sch.Query.Name}, op.SelectionSet, nil)
	out := &ordered{}
	if len(e.errs) > 0 {
		out.set("errors", e.errs)
	}
	out.set("data", data)
	return http.StatusOK, marshal(out)
}

func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, error) {
	var op *ast.OperationDefinition
	switch {
	case name != "":
		op = doc.Operations.ForName(name)
		if op == nil {
			return nil, fmt.Errorf("No operation named %q", name)
		}
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	default:
		return nil, errors.New("An operation name is required when the document contains several operations")
	}
	if op.Operation != ast.Query {
		return nil, fmt.Errorf("githubfake serves queries only, not %s", op.Operation)
	}
	return op, nil
}

// points turns connection requests into GitHub's score: divided by 100,
// rounded, at least 1.
func points(requests int) int {
	return max(1, int(math.Round(float64(requests)/100)))
}

func errorsBody(errs ...obj) []byte { return marshal(obj{"errors": errs}) }

func gqlErrors(list gqlerror.List) []obj {
	out := make([]obj, 0, len(list))
	for _, e := range list {
		o := obj{"message": e.Message}
		if len(e.Locations) > 0 {
			locs := make([]obj, 0, len(e.Locations))
			for _, l := range e.Locations {
				locs = append(locs, obj{"line": l.Line, "column": l.Column})
			}
			o["locations"] = locs
		}
		out = append(out, o)
	}
	return out
}

// ordered is a JSON object that keeps insertion order: GraphQL responses
// list fields in query order, which makes them readable in test failures.
type ordered struct {
	keys []string
	vals map[string]any
}

func (o *ordered) set(k string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// executor runs one validated query against the world. It is generic over
// gqlparser's AST: aliases, variables, fragments (spreads and inline, with
// type conditions), @skip/@include and __typename work for every field, and
// a field is served once it has a resolver in graphqlFields.
type executor struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	c      *reqCtx
	rate   rateState
	spent  int // points charged for this query
	nodes  int
	walked int // nodes counted so far by cost, for the node limit
	errs   []obj
}

// gqlObject is a value of a GraphQL object type: the concrete type name
// (interfaces and unions resolve to one) and what its resolvers read.
type gqlObject struct {
	typ string
	v   any
}

// fieldError is a resolver's failure, reported in "errors" with the
// field's path while the field itself becomes null.
type fieldError struct {
	typ string // GitHub's error type, e.g. NOT_FOUND
	msg string
}

func (e *fieldError) Error() string { return e.msg }

type resolver func(e *executor, parent any, args map[string]any) (any, error)

func (e *executor) addError(f *ast.Field, path []any, err error) {
	o := obj{"message": err.Error(), "path": slices.Clone(path)}
	var fe *fieldError
	if errors.As(err, &fe) && fe.typ != "" {
		o["type"] = fe.typ
	}
	if f.Position != nil {
		o["locations"] = []obj{{"line": f.Position.Line, "column": f.Position.Column}}
	}
	e.errs = append(e.errs, o)
}

// applies reports whether a fragment with type condition cond applies to
// an object of concrete type typ.
func (e *executor) applies(cond, typ string) bool {
	if cond == "" || cond == typ {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil {
		return false
	}
	for _, p := range e.schema.GetPossibleTypes(def) {
		if p.Name == typ {
			return true
		}
	}
	return false
}

func (e *executor) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil && d.ArgumentMap(e.vars)["if"] == true {
		return false
	}
	if d := dirs.ForName("include"); d != nil && d.ArgumentMap(e.vars)["if"] != true {
		return false
	}
	return true
}

// collect groups the fields of set that apply to typ by response key, in
// query order (GraphQL's CollectFields).
func (e *executor) collect(typ string, set ast.SelectionSet, keys *[]string, groups map[string][]*ast.Field, visited map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if !e.included(sel.Directives) {
				continue
			}
			k := sel.Alias
			if k == "" {
				k = sel.Name
			}
			if _, ok := groups[k]; !ok {
				*keys = append(*keys, k)
			}
			groups[k] = append(groups[k], sel)
		case *ast.InlineFragment:
			if e.included(sel.Directives) && e.applies(sel.TypeCondition, typ) {
				e.collect(typ, sel.SelectionSet, keys, groups, visited)
			}
		case *ast.FragmentSpread:
			if visited[sel.Name] || !e.included(sel.Directives) {
				continue
			}
			visited[sel.Name] = true
			fd := e.doc.Fragments.ForName(sel.Name)
			if fd != nil && e.applies(fd.TypeCondition, typ) {
				e.collect(typ, fd.SelectionSet, keys, groups, visited)
			}
		}
	}
}

func (e *executor) selectionSet(o gqlObject, set ast.SelectionSet, path []any) *ordered {
	var keys []string
	groups := map[string][]*ast.Field{}
	e.collect(o.typ, set, &keys, groups, map[string]bool{})
	out := &ordered{}
	for _, k := range keys {
		fs := groups[k]
		f := fs[0]
		p := append(slices.Clone(path), k)
		if f.Name == "__typename" {
			out.set(k, o.typ)
			continue
		}
		res := graphqlFields[o.typ][f.Name]
		if res == nil {
			e.addError(f, p, fmt.Errorf("githubfake does not serve %s.%s yet: add a resolver in githubfake/graphql_fields.go", o.typ, f.Name))
			out.set(k, nil)
			continue
		}
		v, err := res(e, o.v, f.ArgumentMap(e.vars))
		if err != nil {
			e.addError(f, p, err)
			out.set(k, nil)
			continue
		}
		out.set(k, e.complete(v, fs, p))
	}
	return out
}

// complete renders a resolved value: objects (and lists of them) recurse
// into the merged selection sets of every field sharing the response key.
func (e *executor) complete(v any, fs []*ast.Field, path []any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case gqlObject:
		var set ast.SelectionSet
		for _, f := range fs {
			set = append(set, f.SelectionSet...)
		}
		return e.selectionSet(v, set, path)
	case *gqlObject:
		if v == nil {
			return nil
		}
		return e.complete(*v, fs, path)
	case []gqlObject:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = e.complete(item, fs, append(slices.Clone(path), i))
		}
		return out
	case []any:
		// A resolver's list of mixed or untyped items: objects in it
		// recurse as in []gqlObject (left alone they would marshal as {}).
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = e.complete(item, fs, append(slices.Clone(path), i))
		}
		return out
	}
	return v
}

// cost walks the query statically, as GitHub does before running it:
// requests is the number of connection requests it implies (each
// connection asked once per node of its enclosing connections, every
// first/last assumed full) and nodes the most nodes it could return.
// Connections selecting nodes or edges need first or last.
func (e *executor) cost(set ast.SelectionSet, mult int) (requests, nodes int, errs []obj) {
	for _, sel := range set {
		var sub ast.SelectionSet
		childMult := mult
		switch sel := sel.(type) {
		case *ast.Field:
			sub = sel.SelectionSet
			if sel.Definition != nil && e.isConnection(sel.Definition.Type.Name()) {
				args := sel.ArgumentMap(e.vars)
				n, which := 0, ""
				for _, k := range []string{"first", "last"} {
					if v, ok := asInt(args[k]); ok {
						n, which = v, k
					}
				}
				switch {
				case which != "" && n > maxPageSize:
					return 0, 0, []obj{paginationError(sel, "EXCESSIVE_PAGINATION",
						fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records.", n, sel.Name, which, maxPageSize))}
				case which != "" && n < 1:
					return 0, 0, []obj{paginationError(sel, "EXCESSIVE_PAGINATION",
						fmt.Sprintf("Requesting %d records on the `%s` connection is below the `%s` minimum of 1 record.", n, sel.Name, which))}
				case which == "" && e.selectsNodes(sub, map[string]bool{}):
					return 0, 0, []obj{paginationError(sel, "MISSING_PAGINATION_BOUNDARIES",
						fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", sel.Name))}
				}
				requests += mult
				nodes += mult * n
				childMult = mult * max(n, 1)
				e.walked += mult * n
				if e.walked > maxNodes {
					return 0, 0, []obj{paginationError(sel, "MAX_NODE_LIMIT_EXCEEDED",
						fmt.Sprintf("By the time this query traverses to the %s connection, it is requesting up to %d possible nodes which exceeds the maximum limit of %d.", sel.Name, e.walked, maxNodes))}
				}
			}
		case *ast.InlineFragment:
			sub = sel.SelectionSet
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				sub = sel.Definition.SelectionSet
			}
		}
		r, n, es := e.cost(sub, childMult)
		if len(es) > 0 {
			return 0, 0, es
		}
		requests += r
		nodes += n
	}
	return requests, nodes, nil
}

func (e *executor) isConnection(typ string) bool {
	def := e.schema.Types[typ]
	return def != nil && strings.HasSuffix(typ, "Connection") && def.Fields.ForName("pageInfo") != nil
}

// selectsNodes reports whether set asks for a connection's items.
func (e *executor) selectsNodes(set ast.SelectionSet, visited map[string]bool) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "nodes" || sel.Name == "edges" {
				return true
			}
		case *ast.InlineFragment:
			if e.selectsNodes(sel.SelectionSet, visited) {
				return true
			}
		case *ast.FragmentSpread:
			if !visited[sel.Name] && sel.Definition != nil {
				visited[sel.Name] = true
				if e.selectsNodes(sel.Definition.SelectionSet, visited) {
					return true
				}
			}
		}
	}
	return false
}

func paginationError(f *ast.Field, typ, msg string) obj {
	o := obj{"type": typ, "message": msg}
	if f.Position != nil {
		o["locations"] = []obj{{"line": f.Position.Line, "column": f.Position.Column}}
	}
	return o
}

// asInt reads an Int argument, from a literal or a coerced variable.
func asInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case int32:
		return int(v), true
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}
