package metrics

import (
	"fmt"
	"slices"
	"strings"
)

// Selection is which series /metrics serves: by default every family but
// the opt-in ones, and of a family with Only, just the listed label
// values; a family the user opts in to is served whole. At 10,000
// repositories every series a repository has costs Prometheus 10,000
// series: the defaults keep a repository at most ~30 (alerts, overview
// and triage need no more), the detail is there for who wants it.
type Selection struct {
	all   bool
	optIn map[string]bool
}

// MaxDefaultSeriesPerRepo is the cardinality budget of the defaults: a
// test renders every story of the demo and checks that no repository
// costs more.
const MaxDefaultSeriesPerRepo = 30

// OptInAll opts in to every family.
const OptInAll = "all"

// NewSelection opts in to the named families (full names, or "all"). An
// unknown name is an error naming it and where the list of families is.
func NewSelection(optIn []string) (*Selection, error) {
	s := &Selection{optIn: map[string]bool{}}
	known := map[string]bool{}
	for _, f := range Catalogue() {
		known[f.Name] = true
	}
	var unknown []string
	for _, n := range optIn {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
		case n == OptInAll:
			s.all = true
		case known[n]:
			s.optIn[n] = true
		default:
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("metric opt-in: no metric family %s (docs/metrics.md lists them; %q opts in to all)",
			strings.Join(unknown, ", "), OptInAll)
	}
	return s, nil
}

// OptIns lists the families opted in to, for the log.
func (s *Selection) OptIns() []string {
	if s == nil {
		return nil
	}
	if s.all {
		return []string{OptInAll}
	}
	out := make([]string, 0, len(s.optIn))
	for n := range s.optIn {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Keeps reports whether f is served at all.
func (s *Selection) Keeps(f Family) bool {
	return !f.OptIn || s != nil && (s.all || s.optIn[f.Name])
}

// whole reports whether all of f's series are served (no Only applies).
func (s *Selection) whole(f Family) bool {
	return len(f.Only) == 0 || s != nil && (s.all || s.optIn[f.Name])
}

// capped reports whether f's series per repository are limited (PerRepo
// applies).
func (s *Selection) capped(f Family) bool {
	return f.PerRepo > 0 && !(s != nil && (s.all || s.optIn[f.Name]))
}

// filter passes on to emit the series s serves. One filter serves one
// render, which emits a repository's series together.
func (s *Selection) filter(emit emitFunc) emitFunc {
	type run struct {
		repo string
		n    int
	}
	perRepo := map[string]*run{} // family → its series of the current repository
	return func(f Family, v float64, labels ...string) {
		if !s.Keeps(f) {
			return
		}
		if !s.whole(f) {
			for i, l := range f.Labels {
				if vals, ok := f.Only[l]; ok && i < len(labels) && !slices.Contains(vals, labels[i]) {
					return
				}
			}
		}
		if s.capped(f) && len(labels) > 0 {
			r := perRepo[f.Name]
			if r == nil {
				r = &run{}
				perRepo[f.Name] = r
			}
			if r.repo != labels[0] {
				r.repo, r.n = labels[0], 0
			}
			if r.n >= f.PerRepo {
				return
			}
			r.n++
		}
		emit(f, v, labels...)
	}
}
