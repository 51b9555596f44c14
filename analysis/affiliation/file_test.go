package affiliation

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// describe renders a lookup compactly for table comparisons.
func describe(p period, key string, ok bool) string {
	switch {
	case !ok:
		return "none"
	case p.independent:
		return fmt.Sprintf("independent (%s line %d)", key, p.line)
	case p.unknown:
		return fmt.Sprintf("unknown (%s line %d)", key, p.line)
	default:
		return fmt.Sprintf("%s (%s line %d)", p.employer, key, p.line)
	}
}

const goodFile = `# Samba people
alice@samba.org      SerNet      < 2019-01-01
alice@samba.org      Catalyst IT

example-corp.com     Example Corp   # a domain key, with a trailing comment
bob@example.org      Independent
carol@example.org    (Unknown)
Dave@Example.ORG     Freelance
	erin@acme.io  Acme, Inc.  <2018-06-01
erin@acme.io  Globex Corporation  < 2020-01-01
acme.io       Initech
frank@x.com   Self-employed
gina@x.com    none
hank@x.com    unknown
ivan@x.com    Red Hat < 2015-03-01
ivan@x.com    (Unknown) < 2016-01-01
ivan@x.com    @google
`

func TestParseFileLookup(t *testing.T) {
	f, err := ParseFile("aff.txt", []byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email string
		at          time.Time
		want        string
	}{
		{"first period", "alice@samba.org", day("2010-05-01"), "sernet (alice@samba.org line 2)"},
		{"just before the end date", "alice@samba.org", day("2019-01-01").Add(-time.Second), "sernet (alice@samba.org line 2)"},
		{"end date is exclusive", "alice@samba.org", day("2019-01-01"), "catalyst (alice@samba.org line 3)"},
		{"after the end date, open period", "alice@samba.org", day("2030-01-01"), "catalyst (alice@samba.org line 3)"},
		{"e-mail compared case-insensitively", " ALICE@Samba.Org ", day("2010-05-01"), "sernet (alice@samba.org line 2)"},
		{"other address at a domain that has only e-mail keys", "zoe@samba.org", day("2010-05-01"), "none"},
		{"domain key", "anyone@example-corp.com", day("2020-01-01"), "example (example-corp.com line 5)"},
		{"domain key covers subdomains", "anyone@mail.example-corp.com", day("2020-01-01"), "example (example-corp.com line 5)"},
		{"domain key does not cover look-alikes", "anyone@notexample-corp.com", day("2020-01-01"), "none"},
		{"independent", "bob@example.org", day("2020-01-01"), "independent (bob@example.org line 6)"},
		{"explicit unknown", "carol@example.org", day("2020-01-01"), "unknown (carol@example.org line 7)"},
		{"key lower-cased; Freelance is independent", "dave@example.org", day("2020-01-01"), "independent (dave@example.org line 8)"},
		{"successive employers: first", "erin@acme.io", day("2017-01-01"), "acme (erin@acme.io line 9)"},
		{"successive employers: on the first boundary", "erin@acme.io", day("2018-06-01"), "globex (erin@acme.io line 10)"},
		{"successive employers: second", "erin@acme.io", day("2019-12-31"), "globex (erin@acme.io line 10)"},
		{"past the last end date nothing is known", "erin@acme.io", day("2020-01-01"), "unknown (erin@acme.io line 10)"},
		{"e-mail key beats its domain key", "erin@acme.io", day("2017-01-01"), "acme (erin@acme.io line 9)"},
		{"domain key for the other addresses", "ken@acme.io", day("2017-01-01"), "initech (acme.io line 11)"},
		{"Self-employed is independent", "frank@x.com", day("2020-01-01"), "independent (frank@x.com line 12)"},
		{"None is independent", "gina@x.com", day("2020-01-01"), "independent (gina@x.com line 13)"},
		{"Unknown without parentheses", "hank@x.com", day("2020-01-01"), "unknown (hank@x.com line 14)"},
		{"three periods: first", "ivan@x.com", day("2014-01-01"), "redhat (ivan@x.com line 15)"},
		{"three periods: unknown gap", "ivan@x.com", day("2015-03-01"), "unknown (ivan@x.com line 16)"},
		{"three periods: last", "ivan@x.com", day("2016-01-01"), "google (ivan@x.com line 17)"},
		{"not in the file", "nobody@other.com", day("2020-01-01"), "none"},
		{"no @", "example-corp.com", day("2020-01-01"), "none"},
		{"empty", "", day("2020-01-01"), "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(f.lookup(tc.email, tc.at)); got != tc.want {
				t.Errorf("lookup(%q, %s) = %s, want %s", tc.email, tc.at.Format(time.RFC3339), got, tc.want)
			}
		})
	}
}

func TestParseFileForms(t *testing.T) {
	tests := []struct {
		name, data, email string
		want              string
	}{
		{"empty file", "", "a@b.com", "none"},
		{"only comments and blanks", "# nothing\n\n   \n\t# more\n", "a@b.com", "none"},
		{"CRLF line ends", "# x\r\na@b.com Acme\r\n", "a@b.com", "acme (a@b.com line 2)"},
		{"byte order mark", "\ufeffa@b.com Acme\n", "a@b.com", "acme (a@b.com line 1)"},
		{"no final newline", "a@b.com Acme", "a@b.com", "acme (a@b.com line 1)"},
		{"tabs between fields", "a@b.com\tAcme\t<\t2019-01-01\na@b.com\tGlobex", "a@b.com", "globex (a@b.com line 2)"},
		{"multi-word employer", "a@b.com   Umbrella   Cloud  ", "a@b.com", "umbrellacloud (a@b.com line 1)"},
		{"employer as a built-in domain", "a@b.com google.com", "a@b.com", "google (a@b.com line 1)"},
		{"upper-case domain key", "B.COM Acme", "x@b.com", "acme (b.com line 1)"},
		{"Independent consultant", "a@b.com Independent consultant", "a@b.com", "independent (a@b.com line 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFile("aff.txt", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			// Lookups are after every end date used above.
			if got := describe(f.lookup(tc.email, day("2024-01-01"))); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"missing employer", "alice@acme.com\n", `aff.txt:1: alice@acme.com: no employer given`},
		{"missing employer before a comment", "alice@acme.com   # Acme\n", `aff.txt:1: alice@acme.com: no employer given`},
		{"missing employer with a date", "alice@acme.com < 2019-01-01\n", `aff.txt:1: alice@acme.com: no employer given`},
		{"line numbers count comments and blanks", "# header\n\nok@acme.com Acme\n\nbob@acme.com\n", `aff.txt:5: bob@acme.com: no employer given`},
		{"line numbers with CRLF", "# header\r\nbob@acme.com\r\n", `aff.txt:2: bob@acme.com: no employer given`},
		{"month out of range", "a@acme.com Acme < 2019-13-01", `aff.txt:1: a@acme.com: end date "2019-13-01": no such day`},
		{"day out of range", "a@acme.com Acme < 2019-02-30", `aff.txt:1: a@acme.com: end date "2019-02-30": no such day`},
		{"slashes", "a@acme.com Acme < 2019/01/01", `aff.txt:1: a@acme.com: end date "2019/01/01": want YYYY-MM-DD`},
		{"short date", "a@acme.com Acme < 19-1-1", `aff.txt:1: a@acme.com: end date "19-1-1": want YYYY-MM-DD`},
		{"day first", "a@acme.com Acme < 01-02-2019", `aff.txt:1: a@acme.com: end date "01-02-2019": want YYYY-MM-DD`},
		{"text after the date", "a@acme.com Acme < 2019-01-01 Globex", `aff.txt:1: a@acme.com: end date "2019-01-01 Globex": want YYYY-MM-DD`},
		{"signed year", "a@acme.com Acme < +201-01-01", `aff.txt:1: a@acme.com: end date "+201-01-01": want YYYY-MM-DD`},
		{"no date after <", "a@acme.com Acme <", `aff.txt:1: a@acme.com: "<" without an end date (want < YYYY-MM-DD)`},
		{"year 1", "a@acme.com Acme < 0001-01-01", `aff.txt:1: a@acme.com: end date "0001-01-01": before 1970`},
		{"dates decrease", "a@acme.com Acme < 2020-01-01\na@acme.com Globex < 2019-01-01\n",
			`aff.txt:2: a@acme.com: dates must increase (line 1 ends 2020-01-01)`},
		{"dates repeat", "a@acme.com Acme < 2020-01-01\nA@ACME.COM Globex < 2020-01-01\n",
			`aff.txt:2: a@acme.com: dates must increase (line 1 ends 2020-01-01)`},
		{"period after an open-ended one", "a@acme.com Acme\n# later\na@acme.com Globex\n",
			`aff.txt:3: a@acme.com: line 1 has no end date, so no period can follow it`},
		{"dated period after an open-ended one", "acme.com Acme\nacme.com Globex < 2030-01-01\n",
			`aff.txt:2: acme.com: line 1 has no end date, so no period can follow it`},
		{"no local part", "@acme.com Acme", `aff.txt:1: "@acme.com": e-mail address without local part`},
		{"no domain", "alice@ Acme", `aff.txt:1: "alice@": not an e-mail address or domain`},
		{"bare word", "acme Acme", `aff.txt:1: "acme": not an e-mail address or domain`},
		{"leading dot", ".acme.com Acme", `aff.txt:1: ".acme.com": not an e-mail address or domain`},
		{"trailing dot", "acme.com. Acme", `aff.txt:1: "acme.com.": not an e-mail address or domain`},
		{"empty label", "alice@acme..com Acme", `aff.txt:1: "alice@acme..com": domain has an empty label`},
		{"underscore", "alice@ac_me.com Acme", `aff.txt:1: "alice@ac_me.com": domain has character '_'`},
		{"two @", "alice@b@acme.com Acme", `aff.txt:1: "alice@b@acme.com": domain has character '@'`},
		{"employer where the key should be", "Acme alice@acme.com", `aff.txt:1: "Acme": not an e-mail address or domain`},
		{"unicode domain", "alice@bücher.de Acme", `aff.txt:1: "alice@bücher.de": domain has character 'ü'`},
		{"foundation as employer", "a@acme.com The Apache Software Foundation",
			`aff.txt:1: a@acme.com: "The Apache Software Foundation" is not an employer (foundations and projects never are; write Independent, or (Unknown) when nothing is known)`},
		{"foundation domain as employer", "a@acme.com apache.org",
			`aff.txt:1: a@acme.com: "apache.org" is not an employer (foundations and projects never are; write Independent, or (Unknown) when nothing is known)`},
		{"generic provider as employer", "a@acme.com gmail.com",
			`aff.txt:1: a@acme.com: "gmail.com" is not an employer (foundations and projects never are; write Independent, or (Unknown) when nothing is known)`},
		{"punctuation as employer", "a@acme.com ???",
			`aff.txt:1: a@acme.com: "???" is not an employer (foundations and projects never are; write Independent, or (Unknown) when nothing is known)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFile("aff.txt", []byte(tc.data))
			if err == nil {
				t.Fatalf("no error; parsed %v", f.entries)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(good, []byte("a@acme.com Acme\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("# x\na@acme.com Acme < soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")
	device := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", device); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		wantErr    string // "" = success
	}{
		{"good", good, ""},
		{"bad content names path and line", bad, bad + `:2: a@acme.com: end date "soon": want YYYY-MM-DD`},
		{"missing file names the path", missing, missing + ": no such file or directory"},
		{"a device is refused, not read", device, device + ": not a regular file (a character device)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LoadFile(tc.path)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := describe(f.lookup("a@acme.com", day("2020-01-01"))); got != "acme (a@acme.com line 1)" {
					t.Errorf("lookup = %s", got)
				}
				if f.name != tc.path {
					t.Errorf("name = %q, want %q", f.name, tc.path)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.wantErr {
				t.Errorf("error\n got %s\nwant %s", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

func TestNilFileLookup(t *testing.T) {
	var f *File
	if got := describe(f.lookup("a@acme.com", day("2020-01-01"))); got != "none" {
		t.Errorf("nil file lookup = %s", got)
	}
}
