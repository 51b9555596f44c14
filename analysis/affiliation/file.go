package affiliation

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/internal/userfile"
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
// may be open-ended. "Independent" (or "None", "Self", "Freelance", ...)
// marks a volunteer;
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

// MaxFileBytes caps an affiliation file: gitdm's largest are a few MiB.
const MaxFileBytes = 64 << 20

// LoadFile reads and parses an affiliation file (a regular file of at most
// MaxFileBytes).
func LoadFile(path string) (*File, error) {
	data, err := userfile.Read(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return ParseFile(path, data)
}

// ParseFile parses an affiliation file. Errors name the file, the line
// and what is wrong: "affiliations.txt:3: bob@acme.com: no employer given".
func ParseFile(name string, data []byte) (*File, error) {
	f := &File{name: name, entries: map[string][]period{}}
	text := strings.TrimPrefix(string(data), "\ufeff") // a BOM from Windows editors
	for i, raw := range strings.Split(text, "\n") {
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
			t, err := parseDate(ds)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, n, key, err)
			}
			until, rest = t, strings.TrimSpace(rest[:j])
		}
		if rest == "" {
			return nil, fmt.Errorf("%s:%d: %s: no employer given", name, n, key)
		}
		p := period{until: until, line: n}
		lower := strings.ToLower(rest)
		switch {
		case lower == "(unknown)" || lower == "unknown":
			p.unknown = true
		case lower == "independent" || lower == "none" || lower == "self" || lower == "volunteer" || isIndependent(lower):
			p.independent = true
		default:
			p.employer = NormalizeCompany(rest)
			if p.employer == "" {
				return nil, fmt.Errorf("%s:%d: %s: %q is not an employer (foundations and projects never are; write Independent, or (Unknown) when nothing is known)", name, n, key, rest)
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

// parseDate parses the end date after "<".
func parseDate(ds string) (time.Time, error) {
	if ds == "" {
		return time.Time{}, fmt.Errorf(`"<" without an end date (want < YYYY-MM-DD)`)
	}
	if len(ds) != len(time.DateOnly) || ds[4] != '-' || ds[7] != '-' || strings.Trim(ds[:4]+ds[5:7]+ds[8:], "0123456789") != "" {
		return time.Time{}, fmt.Errorf("end date %q: want YYYY-MM-DD", ds)
	}
	t, err := time.Parse(time.DateOnly, ds)
	if err != nil {
		return time.Time{}, fmt.Errorf("end date %q: no such day", ds)
	}
	// Git's history starts after 1970; an earlier date is a typo (and
	// year 1 would read as "no end date").
	if t.Year() < 1970 {
		return time.Time{}, fmt.Errorf("end date %q: before 1970", ds)
	}
	return t, nil
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
	if strings.Contains(domain, "..") {
		return fmt.Errorf("domain has an empty label")
	}
	for _, r := range domain {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return fmt.Errorf("domain has character %q", r)
		}
	}
	return nil
}

// lookup finds the period covering at for an e-mail (exact address first,
// then its domain and parent domains, never above a personal-mail domain).
func (f *File) lookup(email string, at time.Time) (period, string, bool) {
	if f == nil {
		return period{}, "", false
	}
	email = strings.ToLower(strings.TrimSpace(email))
	d := Domain(email)
	if d == "" {
		return period{}, "", false
	}
	keys := []string{email}
	for _, p := range parents(d) {
		keys = append(keys, p)
		if known.generic[p] {
			// A key "github.com" is not about
			// 123+bob@users.noreply.github.com.
			break
		}
	}
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
