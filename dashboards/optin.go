package dashboards

import (
	"regexp"
	"slices"
	"strings"

	"github.com/fundwatch/fundwatch/metrics"
)

var (
	metricRE   = regexp.MustCompile(`fundwatch_[a-z_]+`)
	selectorRE = regexp.MustCompile(`(fundwatch_[a-z_]+)\{([^}]*)\}`)
	matcherRE  = regexp.MustCompile(`(\w+)\s*(=~|=)\s*"([^"]*)"`)
)

// OptIns returns the metric families expr reads that are not served by
// default (metrics.Selection): opt-in families, and families of which it
// selects a label value served only when opted in. A query with none works
// on any fundwatch; the others need --metric-opt-in-list.
func OptIns(expr string) []string {
	byName := map[string]metrics.Family{}
	for _, f := range metrics.Catalogue() {
		byName[f.Name] = f
	}
	var sel *metrics.Selection // the defaults
	var out []string
	note := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, m := range metricRE.FindAllString(expr, -1) {
		if f, ok := byName[m]; ok && !sel.Keeps(f) {
			note(m)
		}
	}
	for _, s := range selectorRE.FindAllStringSubmatch(expr, -1) {
		f := byName[s[1]]
		for _, mm := range matcherRE.FindAllStringSubmatch(s[2], -1) {
			served, restricted := f.Only[mm[1]]
			if !restricted {
				continue
			}
			for _, v := range strings.Split(mm[3], "|") {
				if !slices.Contains(served, v) {
					note(s[1])
				}
			}
		}
	}
	return out
}
