// Package schema holds GitHub's public GraphQL schema, embedded byte for byte
// as published in octokit/graphql-schema, and validates queries against
// it. fundwatch's collectors and githubfake both check every query with
// Validate, so a query the real API would reject never passes a test.
package schema

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// SDL is GitHub's schema exactly as published in octokit/graphql-schema at
// commit 82ff2d4780080e6929ebb95608cefa22dfa05ac7 (2026-07-22, MIT licence,
// GitHub); the test pins its SHA-256.
//
//go:embed schema.graphql
var SDL string

// sourceName appears in schema error positions.
const sourceName = "schema.graphql"

var (
	loadOnce sync.Once
	loaded   *ast.Schema
	repairs  []string
	loadErr  error
)

// Schema returns the parsed schema, loaded once per process (the SDL is
// over a megabyte; parsing it per query would dominate the fake's cost).
func Schema() (*ast.Schema, error) {
	loadOnce.Do(func() { loaded, repairs, loadErr = load(SDL) })
	return loaded, loadErr
}

// Repairs lists the defects of the published SDL that loading had to work
// around, e.g. "EnterpriseOwnerInfo.repositoryDeployKeySetting defined twice".
func Repairs() []string {
	_, _ = Schema()
	return append([]string(nil), repairs...)
}

// load is gqlparser.LoadSchema with one repair. GitHub's published SDL
// declares a few fields twice on one type (identical declarations; GitHub's
// own server dedupes them), which gqlparser's schema validation rejects.
// Dropping the later identical copy keeps the schema GitHub serves; a
// repeated field whose type differs stays an error, since then we could
// not know which one GitHub means.
func load(sdl string) (*ast.Schema, []string, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: sourceName, Input: sdl})
	if err != nil {
		return nil, nil, fmt.Errorf("github graphql schema: %w", err)
	}
	var fixed []string
	dedupe := func(defs ast.DefinitionList) error {
		for _, d := range defs {
			seen := map[string]*ast.FieldDefinition{}
			out := d.Fields[:0]
			for _, f := range d.Fields {
				prev, dup := seen[f.Name]
				if !dup {
					seen[f.Name] = f
					out = append(out, f)
					continue
				}
				if prev.Type.String() != f.Type.String() || len(prev.Arguments) != len(f.Arguments) {
					return fmt.Errorf("github graphql schema: %s:%d: field %s.%s declared twice with different types (%s, %s)",
						sourceName, f.Position.Line, d.Name, f.Name, prev.Type, f.Type)
				}
				fixed = append(fixed, fmt.Sprintf("%s.%s defined twice (lines %d and %d)", d.Name, f.Name, prev.Position.Line, f.Position.Line))
			}
			d.Fields = out
		}
		return nil
	}
	if err := dedupe(doc.Definitions); err != nil {
		return nil, nil, err
	}
	if err := dedupe(doc.Extensions); err != nil {
		return nil, nil, err
	}
	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("github graphql schema: %w", err)
	}
	return s, fixed, nil
}

// Parse parses and validates query against GitHub's schema. Errors come as
// a gqlerror.List whose entries carry line:column locations, which is what
// githubfake answers and what Validate formats.
func Parse(query string) (*ast.QueryDocument, gqlerror.List) {
	s, err := Schema()
	if err != nil {
		return nil, gqlerror.List{gqlerror.Wrap(err)}
	}
	doc, errs := gqlparser.LoadQueryWithRules(s, query, rules.NewDefaultRules())
	return doc, errs
}

// Validate reports whether GitHub's schema accepts query. The error names
// every problem with its line:column, e.g.
// `2:17: Cannot query field "bogus" on type "User".`.
func Validate(query string) error {
	_, errs := Parse(query)
	return ListError(errs)
}

// ListError formats a gqlerror.List as one error, nil when empty.
func ListError(errs gqlerror.List) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		var b strings.Builder
		if len(e.Locations) > 0 {
			fmt.Fprintf(&b, "%d:%d: ", e.Locations[0].Line, e.Locations[0].Column)
		}
		b.WriteString(e.Message)
		msgs = append(msgs, b.String())
	}
	return errors.New("graphql: " + strings.Join(msgs, "; "))
}
