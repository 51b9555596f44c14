package affiliation

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// File is a user's affiliation file, in the spirit of gitdm's email-map:
//
//	# comment
//	alice@samba.org      SerNet      < 2019-01-01
//	alice@samba.org      Catalyst IT
//	example-corp.com     Example Corp
//	bob@example.org      Independent
//
// A key is an e-mail address or a domain. Successive lines for one key are
// successive periods: "< date" ends a period (exclusive); the last line
// may be open-ended. "Independent" (or "None", "Self") marks a volunteer;
// "(Unknown)" says explicitly that nothing is known.
type File struct {
	name    string
	entries map[string][]period // key (lower-case) → periods in order
}

type period struct {
	employer    string // normalised; "" with independent/unknown
	independent bool
	unknown     bool
	until       time.Time // zero = open-ended
	line        int
}

// LoadFile reads and parses an affiliation file.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(path, data)
}

// ParseFile parses an affiliation file; errors name the file and line.
func ParseFile(name string, data []byte) (*File, error) {
	f := &File{name: name, entries: map[string][]period{}}
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		line := raw
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		key := strings.ToLower(fields[0])
		if err := checkKey(key); err != nil {
			return nil, fmt.Errorf("%s:%d: %q: %w", name, n, fields[0], err)
		}
		rest := strings.TrimSpace(line[len(fields[0]):])
		var until time.Time
		if j := strings.IndexByte(rest, '<'); j >= 0 {
			ds := strings.TrimSpace(rest[j+1:])
			t, err := time.Parse(time.DateOnly, ds)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: date %q: want YYYY-MM-DD", name, n, ds)
			}
			until, rest = t, strings.TrimSpace(rest[:j])
		}
		if rest == "" {
			return nil, fmt.Errorf("%s:%d: %s: no employer given", name, n, key)
		}
		p := period{until: until, line: n}
		switch strings.ToLower(rest) {
		case "independent", "none", "self", "volunteer":
			p.independent = true
		case "(unknown)", "unknown":
			p.unknown = true
		default:
			p.employer = NormalizeCompany(rest)
			if p.employer == "" {
				return nil, fmt.Errorf("%s:%d: %q is not an employer name", name, n, rest)
			}
		}
		prev := f.entries[key]
		if len(prev) > 0 {
			last := prev[len(prev)-1]
			if last.until.IsZero() {
				return nil, fmt.Errorf("%s:%d: %s: line %d has no end date, so no period can follow it", name, n, key, last.line)
			}
			if !until.IsZero() && !until.After(last.until) {
				return nil, fmt.Errorf("%s:%d: %s: dates must increase (line %d ends %s)", name, n, key, last.line, last.until.Format(time.DateOnly))
			}
		}
		f.entries[key] = append(prev, p)
	}
	return f, nil
}

func checkKey(k string) error {
	local, domain, hasAt := strings.Cut(k, "@")
	if hasAt && local == "" {
		return fmt.Errorf("e-mail address without local part")
	}
	if !hasAt {
		domain = k
	}
	if domain == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return fmt.Errorf("not an e-mail address or domain")
	}
	for _, r := range domain {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return fmt.Errorf("domain has character %q", r)
		}
	}
	return nil
}

// lookup finds the period covering at for an e-mail (exact address first,
// then its domain and parent domains).
func (f *File) lookup(email string, at time.Time) (period, string, bool) {
	if f == nil {
		return period{}, "", false
	}
	email = strings.ToLower(email)
	keys := []string{email}
	keys = append(keys, parents(Domain(email))...)
	for _, k := range keys {
		ps, ok := f.entries[k]
		if !ok {
			continue
		}
		i := sort.Search(len(ps), func(i int) bool { return ps[i].until.IsZero() || at.Before(ps[i].until) })
		if i < len(ps) {
			return ps[i], k, true
		}
		// Past the last period's end: nothing is known for this time.
		return period{unknown: true, line: ps[len(ps)-1].line}, k, true
	}
	return period{}, "", false
}
