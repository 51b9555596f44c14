package affiliation

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// FuzzParseFile: ParseFile never panics; what it accepts is well-formed,
// and what it rejects is named by file and line.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(goodFile))
	f.Add([]byte("a@b.com Acme < 2019-01-01\na@b.com Globex\n"))
	const name = "fuzz.txt"
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseFile(name, data)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, name+":") {
				t.Fatalf("error does not start with the file name: %q", msg)
			}
			// "fuzz.txt:<line>: ..." with a line that exists.
			num, _, ok := strings.Cut(strings.TrimPrefix(msg, name+":"), ": ")
			n, convErr := strconv.Atoi(num)
			if !ok || convErr != nil || n < 1 || n > strings.Count(string(data), "\n")+1 {
				t.Fatalf("error has no valid line number: %q", msg)
			}
			return
		}
		for key, ps := range file.entries {
			if checkKey(key) != nil || key != strings.ToLower(key) {
				t.Fatalf("bad key %q accepted", key)
			}
			if len(ps) == 0 {
				t.Fatalf("key %q with no periods", key)
			}
			prevLine := 0
			var prevUntil time.Time
			for i, p := range ps {
				kinds := 0
				if p.employer != "" {
					kinds++
					if NormalizeCompany(p.employer) != p.employer {
						t.Fatalf("%s: employer %q not normalised", key, p.employer)
					}
				}
				if p.independent {
					kinds++
				}
				if p.unknown {
					kinds++
				}
				if kinds != 1 {
					t.Fatalf("%s line %d: period %+v is not exactly one of employer, independent, unknown", key, p.line, p)
				}
				if p.line <= prevLine {
					t.Fatalf("%s: lines out of order: %d after %d", key, p.line, prevLine)
				}
				if p.until.IsZero() && i != len(ps)-1 {
					t.Fatalf("%s line %d: open period is not the last", key, p.line)
				}
				if !p.until.IsZero() {
					if i > 0 && !p.until.After(prevUntil) {
						t.Fatalf("%s line %d: end %v not after %v", key, p.line, p.until, prevUntil)
					}
					if p.until.Year() < 1970 || p.until.Location() != time.UTC || !p.until.Equal(p.until.Truncate(24*time.Hour)) {
						t.Fatalf("%s line %d: odd end date %v", key, p.line, p.until)
					}
				}
				prevLine, prevUntil = p.line, p.until
				// Each period answers for the last moment inside it.
				probe := key
				if !strings.Contains(key, "@") {
					probe = "fuzz-probe@" + key
				}
				if _, taken := file.entries[probe]; probe != key && taken {
					continue
				}
				at := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
				if !p.until.IsZero() {
					at = p.until.Add(-time.Nanosecond)
				}
				if got, k, ok := file.lookup(probe, at); !ok || k != key || got.line != p.line {
					t.Fatalf("lookup(%q, %v) = line %d of %q (%v), want line %d of %q", probe, at, got.line, k, ok, p.line, key)
				}
			}
		}
	})
}

// FuzzNormalizeCompany: ids are lower-case letters and digits, and an id
// normalises to itself; independent text never gives an id.
func FuzzNormalizeCompany(f *testing.F) {
	for _, s := range []string{"@google", "Google, Inc.", "Red Hat", "https://github.com/acme-corp", "ex-Google, @stripe",
		"Procter and Gamble", "Self Employed Inc", "acme.co.uk", "N.A.", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := NormalizeCompany(s)
		for _, r := range id {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.ToLower(r) != r {
				t.Fatalf("NormalizeCompany(%q) = %q: has %q", s, id, r)
			}
		}
		if again := NormalizeCompany(id); again != id {
			t.Fatalf("NormalizeCompany(%q) = %q, but NormalizeCompany(%q) = %q", s, id, id, again)
		}
		if Independent(s) && id != "" {
			t.Fatalf("Independent(%q) but NormalizeCompany = %q", s, id)
		}
	})
}
