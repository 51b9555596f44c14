package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/internal/strictyaml"
)

// issueHistory is collection.issue_history as written (see
// ParseIssueHistory): "all", 0 or a duration, so it decodes itself.
type issueHistory time.Duration

func (h *issueHistory) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	n = strictyaml.Resolve(n)
	if n.Kind != yaml.ScalarNode || strictyaml.IsNull(n) {
		d.Errorf(n, path, `must be "all" or a duration like 400d; got %s`, strictyaml.Describe(n))
		return
	}
	v, err := ParseIssueHistory(n.Value)
	if err != nil {
		d.Errorf(n, path, "%v", err)
		return
	}
	*h = issueHistory(v)
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
				return 0, fmt.Errorf(`%s is longer than any history; say "all"`, strictyaml.Quote(s))
			}
			d = time.Duration(k) * 24 * time.Hour
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf(`%s is neither "all" nor a duration (like 400d or 9600h)`, strictyaml.Quote(s))
	case d <= 0:
		return 0, fmt.Errorf(`must be positive, or "all" (or 0) for the whole history; got %s`, strictyaml.Quote(s))
	}
	return d, nil
}
