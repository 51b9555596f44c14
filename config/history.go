package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// issueHistory reads collection.issue_history (see ParseIssueHistory).
func (p *parser) issueHistory(n *yaml.Node, path string) (time.Duration, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, path, `must be "all" or a duration like 400d; got %s`, describe(n))
		return 0, false
	}
	d, err := ParseIssueHistory(n.Value)
	if err != nil {
		p.fail(n, path, err)
		return 0, false
	}
	return d, true
}

// ParseIssueHistory reads a value of collection.issue_history: "all" or 0
// for the whole history (WholeIssueHistory), or a positive duration, in
// days ("400d": the analysis' windows are counted in days) or Go's syntax
// ("9600h"). It is a function of its own so that any decoder of the
// config file can use it.
func ParseIssueHistory(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "all" || s == "0" {
		return WholeIssueHistory, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var k int
		if k, err = strconv.Atoi(days); err == nil {
			// Beyond what a Duration holds (292 years), "all" is meant.
			if k > math.MaxInt64/int(24*time.Hour) {
				return 0, fmt.Errorf(`%s is longer than any history; say "all"`, quote(s))
			}
			d = time.Duration(k) * 24 * time.Hour
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf(`%s is neither "all" nor a duration (like 400d or 9600h)`, quote(s))
	case d <= 0:
		return 0, fmt.Errorf(`must be positive, or "all" (or 0) for the whole history; got %s`, quote(s))
	}
	return d, nil
}
