package collectors

import (
	"fmt"
	"strings"
)

// batchQuery is a GraphQL query asking the same thing of n items at once,
// each under its own alias: the shape of every query fundwatch sends (the
// change probe, sponsors, commit logins), since GitHub charges a query by
// the connections it implies, not by its aliases. Its text depends only on
// n, so a test can check every query a collector can send against
// GitHub's schema.
type batchQuery struct {
	name string
	// vars are declared once ("$owner: String!"); itemVars are declared
	// for each item i.
	vars     []string
	itemVars func(i int) []string
	// field is item i's aliased field; the fields go between open and
	// close (both may be empty), after the rateLimit every query reads.
	field       func(i int) string
	open, close string
	fragment    string
}

func (q batchQuery) text(n int) string {
	decls := append([]string(nil), q.vars...)
	for i := range n {
		decls = append(decls, q.itemVars(i)...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "query %s(%s) {\n  rateLimit { cost remaining resetAt limit }\n", q.name, strings.Join(decls, ", "))
	indent := "  "
	if q.open != "" {
		b.WriteString(indent + q.open + "\n")
		indent += "  "
	}
	for i := range n {
		b.WriteString(indent + q.field(i) + "\n")
	}
	if q.close != "" {
		b.WriteString("  " + q.close + "\n")
	}
	b.WriteString("}\n" + q.fragment)
	return b.String()
}
