package analysis

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/strictyaml"
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

// ParseGrants parses a grants file (see LoadGrants), strictly: every
// problem is reported, each with the file, line and key path.
func ParseGrants(name string, data []byte) (map[string][]Grant, error) {
	root, err := strictyaml.Parse(name, data)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Grants []grantEntry `yaml:"grants" want:"a list of grants (repo, funder, amount_usd, date)"`
	}
	d := &strictyaml.Decoder{File: name, Lines: map[string]int{}}
	decodeErr := d.Decode(root, &doc)
	var errs []error
	if decodeErr != nil {
		errs = append(errs, decodeErr)
	}
	fail := func(path, format string, args ...any) {
		errs = append(errs, &strictyaml.Error{File: name, Line: d.Lines[path], Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	refused := map[string]bool{} // paths the decoder refused as a whole
	for _, e := range d.Errors() {
		refused[e.Path] = true
	}
	out := map[string][]Grant{}
	for i, g := range doc.Grants {
		at := fmt.Sprintf("grants[%d]", i)
		if refused[at] {
			continue // not a mapping: it has no keys to miss
		}
		var missing []string
		for _, k := range []struct {
			key string
			set bool
		}{{"repo", g.Repo != nil}, {"funder", g.Funder != nil}, {"amount_usd", g.AmountUSD != nil}, {"date", g.Date != nil}} {
			if !k.set && d.Lines[at+"."+k.key] == 0 {
				missing = append(missing, k.key)
			}
		}
		switch len(missing) {
		case 0:
		case 1:
			fail(at, "%s is missing", missing[0])
		default:
			fail(at, "%s are missing", strings.Join(missing, ", "))
		}
		if g.Repo == nil || g.Funder == nil || g.AmountUSD == nil || g.Date == nil {
			continue // missing, or refused by the decoder with its reason
		}
		ok := true
		if _, err := ghrepo.Parse(*g.Repo); err != nil {
			fail(at+".repo", "%v", err)
			ok = false
		}
		if *g.AmountUSD <= 0 {
			fail(at+".amount_usd", "%v: want a positive amount", *g.AmountUSD)
			ok = false
		}
		if ok {
			k := strings.ToLower(*g.Repo)
			out[k] = append(out[k], Grant{Repo: *g.Repo, Funder: *g.Funder, AmountUSD: *g.AmountUSD, Date: time.Time(*g.Date), Note: g.Note})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// grantEntry is one grant as written; pointers tell a key left out from a
// zero value.
type grantEntry struct {
	Repo      *string    `yaml:"repo"`
	Funder    *string    `yaml:"funder"`
	AmountUSD *float64   `yaml:"amount_usd"`
	Date      *grantDate `yaml:"date"`
	Note      string     `yaml:"note"`
}

// grantDate is a day, YYYY-MM-DD, as YAML reads it unquoted (a timestamp)
// or quoted (a string).
type grantDate time.Time

func (g *grantDate) DecodeStrict(d *strictyaml.Decoder, n *yaml.Node, path string) {
	n = strictyaml.Resolve(n)
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!timestamp" || n.ShortTag() == "!!str") {
		if t, err := time.Parse(time.DateOnly, n.Value); err == nil {
			*g = grantDate(t)
			return
		}
	}
	d.Errorf(n, path, "%s: want YYYY-MM-DD", strictyaml.Describe(n))
}
