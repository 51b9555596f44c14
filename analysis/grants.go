package analysis

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/userfile"
)

// LoadGrants reads a grants file:
//
//	grants:
//	  - repo: owner/name
//	    funder: Sovereign Tech Fund
//	    amount_usd: 150000
//	    date: 2025-03-01
//	    note: two maintainers for a year   # optional
//
// and returns the grants by lower-case owner/name. Errors name the file,
// the line and the key.
func LoadGrants(path string) (map[string][]Grant, error) {
	data, err := userfile.Read(path, 64<<20)
	if err != nil {
		return nil, err
	}
	return ParseGrants(path, data)
}

// ParseGrants parses a grants file (see LoadGrants).
func ParseGrants(name string, data []byte) (map[string][]Grant, error) {
	var doc struct {
		Grants []yaml.Node `yaml:"grants"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yamlError(err))
	}
	out := map[string][]Grant{}
	for i, n := range doc.Grants {
		var g struct {
			Repo      string  `yaml:"repo"`
			Funder    string  `yaml:"funder"`
			AmountUSD float64 `yaml:"amount_usd"`
			Date      string  `yaml:"date"`
			Note      string  `yaml:"note"`
		}
		at := fmt.Sprintf("%s:%d: grants[%d]", name, n.Line, i)
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: want a mapping with repo, funder, amount_usd, date", at)
		}
		for j := 0; j+1 < len(n.Content); j += 2 {
			switch k := n.Content[j]; k.Value {
			case "repo", "funder", "amount_usd", "date", "note":
			default:
				return nil, fmt.Errorf("%s:%d: grants[%d]: unknown key %q (want repo, funder, amount_usd, date, note)", name, k.Line, i, k.Value)
			}
		}
		if err := n.Decode(&g); err != nil {
			return nil, fmt.Errorf("%s: %s", at, yamlError(err))
		}
		for _, k := range []string{"repo", "funder", "amount_usd", "date"} {
			if !hasKey(&n, k) {
				return nil, fmt.Errorf("%s: %s is missing", at, k)
			}
		}
		if _, err := ghrepo.Parse(g.Repo); err != nil {
			return nil, fmt.Errorf("%s.repo: %v", at, err)
		}
		if g.AmountUSD <= 0 {
			return nil, fmt.Errorf("%s.amount_usd: %v: want a positive amount", at, g.AmountUSD)
		}
		d, err := time.Parse(time.DateOnly, g.Date)
		if err != nil {
			return nil, fmt.Errorf("%s.date: %q: want YYYY-MM-DD", at, g.Date)
		}
		k := strings.ToLower(g.Repo)
		out[k] = append(out[k], Grant{Repo: g.Repo, Funder: g.Funder, AmountUSD: g.AmountUSD, Date: d, Note: g.Note})
	}
	return out, nil
}

// yamlError flattens yaml.v3's errors to one line.
func yamlError(err error) string {
	if te, ok := err.(*yaml.TypeError); ok {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}
