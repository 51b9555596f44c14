package history

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/store"
)

const tsvHeader = "sha\tauthor_id\tauthor_email_domain\tauthor_time\tcommitter_email_domain\tcommitter_time\tparents\tauthor_is_bot\n"

// tsvHeader9 is the header of the newer files, with author_name_id.
const tsvHeader9 = "sha\tauthor_id\tauthor_email_domain\tauthor_time\tcommitter_email_domain\tcommitter_time\tparents\tauthor_is_bot\tauthor_name_id\n"

// haxmLine is a line of a 9-column file (intel/haxm's last commit).
const haxmLine = "4c524a10486d191ea112a6a1c4a8b482ffb56ae5\t08223195b842\tintel.com\t2023-01-28T03:14:08-08:00\tgithub.com\t2023-01-28T03:14:08-08:00\t1\t0\ta4e63b3a76af"

// Real lines of curl__curl.commits.tsv.gz and samba-team__samba.commits.tsv.gz.
const (
	curlLine    = "5c61e168698a72b87437d58ed728bcdea6d5db42\tba84c125725b\tgmail.com\t2026-08-22T15:01:09+03:00\thaxx.se\t2026-08-22T16:18:50+02:00\t1\t0"
	curlBotLine = "1086f513b86dde051517066c29f4e3ac6e80d10d\td9da53b83e47\tusers.noreply.github.com\t2026-08-21T22:32:58+00:00\tvsz.me\t2026-08-22T08:05:21+02:00\t1\t1"
	curlMerge   = "86a95eb07622ca66a4f8ea909824571ed8f22970\td859e324d0c4\thaxx.se\t2021-01-20T14:59:24+01:00\thaxx.se\t2021-01-20T14:59:24+01:00\t2\t0"
	sambaNoDom  = "b845dea543e36ecee566187a6667db01b564de65\tda39a3ee5e6b\t\t2007-05-28T08:45:47-04:00\t\t2007-05-28T08:45:47-04:00\t2\t0"
	sambaIndia  = "8c525c081d72148b3d3ed51d89ca9a6200ca0c36\t0123456789ab\tsamba.org\t2026-07-24T17:27:56+05:30\tsamba.org\t2026-07-24T17:30:00+05:30\t1\t0"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// commitOf is the commit ReadTSV should make of a line.
func commitOf(t testing.TB, sha, id, domain, at string, offset int, cdomain, ct string, parents int, bot bool) store.Commit {
	return store.Commit{
		Repo: "o/r", SHA: sha, AuthorEmail: id + "@" + domain,
		AuthorTime: mustTime(t, at), AuthorTZKnown: true, AuthorTZOffset: offset,
		CommitterEmail: "committer@" + cdomain, CommitterTime: mustTime(t, ct).UTC(),
		Parents: parents, AuthorBot: bot,
	}
}

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sameCommits compares commits, times by instant and offset.
func sameCommits(t *testing.T, got, want []store.Commit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d commits, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.AuthorTime.Equal(w.AuthorTime) || g.AuthorTime.Format(time.RFC3339) != w.AuthorTime.Format(time.RFC3339) {
			t.Errorf("commit %d: AuthorTime %s, want %s", i, g.AuthorTime.Format(time.RFC3339), w.AuthorTime.Format(time.RFC3339))
		}
		if !g.CommitterTime.Equal(w.CommitterTime) || g.CommitterTime.Location() != time.UTC {
			t.Errorf("commit %d: CommitterTime %v, want %v in UTC", i, g.CommitterTime, w.CommitterTime)
		}
		g.AuthorTime, w.AuthorTime, g.CommitterTime, w.CommitterTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("commit %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestReadTSVGood(t *testing.T) {
	curl := commitOf(t, "5c61e168698a72b87437d58ed728bcdea6d5db42", "ba84c125725b", "gmail.com",
		"2026-08-22T15:01:09+03:00", 180, "haxx.se", "2026-08-22T16:18:50+02:00", 1, false)
	bot := commitOf(t, "1086f513b86dde051517066c29f4e3ac6e80d10d", "d9da53b83e47", "users.noreply.github.com",
		"2026-08-21T22:32:58+00:00", 0, "vsz.me", "2026-08-22T08:05:21+02:00", 1, true)
	merge := commitOf(t, "86a95eb07622ca66a4f8ea909824571ed8f22970", "d859e324d0c4", "haxx.se",
		"2021-01-20T14:59:24+01:00", 60, "haxx.se", "2021-01-20T14:59:24+01:00", 2, false)
	noDom := commitOf(t, "b845dea543e36ecee566187a6667db01b564de65", "da39a3ee5e6b", "unknown.invalid",
		"2007-05-28T08:45:47-04:00", -240, "unknown.invalid", "2007-05-28T08:45:47-04:00", 2, false)
	india := commitOf(t, "8c525c081d72148b3d3ed51d89ca9a6200ca0c36", "0123456789ab", "samba.org",
		"2026-07-24T17:27:56+05:30", 330, "samba.org", "2026-07-24T17:30:00+05:30", 1, false)
	haxm := commitOf(t, "4c524a10486d191ea112a6a1c4a8b482ffb56ae5", "08223195b842", "intel.com",
		"2023-01-28T03:14:08-08:00", -480, "github.com", "2023-01-28T03:14:08-08:00", 1, false)
	zulu := commitOf(t, "abc", "id", "d.example", "2024-01-01T00:00:00Z", 0, "c.example", "2024-01-01T00:00:00.5Z", 0, false)
	nepal := commitOf(t, "def", "id", "d.example", "2024-01-01T23:59:59+05:45", 345, "c.example", "2023-12-31T18:14:59Z", 1, false)
	// The 9-column files carry author_name_id, which becomes the name.
	named := haxm
	named.AuthorName = "a4e63b3a76af"
	tests := []struct {
		name, in string
		want     []store.Commit
	}{
		{"header only", tsvHeader, nil},
		{"9 columns", tsvHeader9 + haxmLine + "\n", []store.Commit{named}},
		{"9 columns, CRLF", strings.ReplaceAll(tsvHeader9+haxmLine+"\n", "\n", "\r\n"), []store.Commit{named}},
		{"header without newline", strings.TrimSuffix(tsvHeader, "\n"), nil},
		{"one line", tsvHeader + curlLine + "\n", []store.Commit{curl}},
		{"no final newline", tsvHeader + curlLine, []store.Commit{curl}},
		{"bot and merge", tsvHeader + curlBotLine + "\n" + curlMerge + "\n", []store.Commit{bot, merge}},
		{"empty domains", tsvHeader + sambaNoDom + "\n", []store.Commit{noDom}},
		{"half-hour offset", tsvHeader + sambaIndia + "\n", []store.Commit{india}},
		{"CRLF", strings.ReplaceAll(tsvHeader+curlLine+"\n"+curlMerge+"\n", "\n", "\r\n"), []store.Commit{curl, merge}},
		{"blank lines", tsvHeader + "\n" + curlLine + "\n\n\r\n" + curlMerge + "\n\n", []store.Commit{curl, merge}},
		{"Z and fractions", tsvHeader + "abc\tid\td.example\t2024-01-01T00:00:00Z\tc.example\t2024-01-01T00:00:00.5Z\t0\t0\n", []store.Commit{zulu}},
		{"local date after UTC date", tsvHeader + "def\tid\td.example\t2024-01-01T23:59:59+05:45\tc.example\t2023-12-31T18:14:59Z\t1\t0\n", []store.Commit{nepal}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, enc := range []string{"plain", "gzip"} {
				in := []byte(tc.in)
				if enc == "gzip" {
					in = gz(t, tc.in)
				}
				got, err := ReadTSV(bytes.NewReader(in), "in.tsv", "o/r")
				if err != nil {
					t.Fatalf("%s: %v", enc, err)
				}
				sameCommits(t, got, tc.want)
			}
		})
	}
}

// TestReadTSVAuthorClock checks the author's wall clock and zone survive.
func TestReadTSVAuthorClock(t *testing.T) {
	cs, err := ReadTSV(strings.NewReader(tsvHeader+"def\tid\td\t2024-01-01T23:59:59+05:45\tc\t2023-12-31T18:14:59-08:00\t1\t0\n"), "x", "o/r")
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	if c.AuthorTime.Day() != 1 || c.AuthorTime.Hour() != 23 || c.AuthorTime.UTC().Day() != 1 || c.AuthorTime.UTC().Hour() != 18 {
		t.Errorf("AuthorTime %v: want the author's 23:59 on the 1st, 18:14 UTC", c.AuthorTime)
	}
	if _, off := c.AuthorTime.Zone(); off != 345*60 || c.AuthorTZOffset != 345 {
		t.Errorf("offset %ds / %d min, want 345 min", off, c.AuthorTZOffset)
	}
	if got := c.CommitterTime.Format(time.RFC3339); got != "2024-01-01T02:14:59Z" {
		t.Errorf("CommitterTime %s, want 2024-01-01T02:14:59Z", got)
	}
}

func TestReadTSVBad(t *testing.T) {
	good := curlLine + "\n"
	line := func(cols ...string) string { return strings.Join(cols, "\t") + "\n" }
	const sha, id, dom, tm = "5c61e168698a72b87437d58ed728bcdea6d5db42", "ba84c125725b", "gmail.com", "2026-08-22T15:01:09+03:00"
	tests := []struct {
		name, in, want string
	}{
		{"empty input", "", "in.tsv: empty file: want a header line"},
		{"wrong header", "sha\tauthor\n" + good,
			`in.tsv:1: header is "sha author", want "sha author_id author_email_domain author_time committer_email_domain committer_time parents author_is_bot author_name_id" (or its first 8 columns)`},
		{"header with extra column", strings.TrimSuffix(tsvHeader, "\n") + "\tx\n",
			`in.tsv:1: header is "sha author_id author_email_domain author_time committer_email_domain committer_time parents author_is_bot x", want "sha author_id author_email_domain author_time committer_email_domain committer_time parents author_is_bot author_name_id" (or its first 8 columns)`},
		{"no header", good, `in.tsv:1: header is "5c61e168698a72b87437d58ed728bcdea6d5db42 ba84c125725b gmail.com 2026-08-22T15:01:09+03:00 haxx.se 2026-08-22T16:18:50+02:00 1 0", want "sha author_id author_email_domain author_time committer_email_domain committer_time parents author_is_bot author_name_id" (or its first 8 columns)`},
		{"7 columns", tsvHeader + line(sha, id, dom, tm, dom, tm, "1"), "in.tsv:2: want 8 tab-separated columns, got 7"},
		{"1 column", tsvHeader + "junk\n", "in.tsv:2: want 8 tab-separated columns, got 1"},
		{"9 columns", tsvHeader + line(sha, id, dom, tm, dom, tm, "1", "0", "x"), "in.tsv:2: want 8 tab-separated columns, got 9"},
		{"10 columns", tsvHeader + line(sha, id, dom, tm, dom, tm, "1", "0", "", ""), "in.tsv:2: want 8 tab-separated columns, got 10"},
		{"empty sha", tsvHeader + line("", id, dom, tm, dom, tm, "1", "0"), "in.tsv:2: column sha: empty"},
		{"author time without offset", tsvHeader + line(sha, id, dom, "2026-08-22T15:01:09", dom, tm, "1", "0"),
			`in.tsv:2: column author_time: "2026-08-22T15:01:09" is not an ISO 8601 time with offset`},
		{"author time git style offset", tsvHeader + line(sha, id, dom, "2026-08-22T15:01:09+0300", dom, tm, "1", "0"),
			`in.tsv:2: column author_time: "2026-08-22T15:01:09+0300" is not an ISO 8601 time with offset`},
		{"author time month 13", tsvHeader + line(sha, id, dom, "2026-13-22T15:01:09+03:00", dom, tm, "1", "0"),
			`in.tsv:2: column author_time: "2026-13-22T15:01:09+03:00" is not an ISO 8601 time with offset`},
		{"author time empty", tsvHeader + line(sha, id, dom, "", dom, tm, "1", "0"),
			`in.tsv:2: column author_time: "" is not an ISO 8601 time with offset`},
		{"committer time unix", tsvHeader + line(sha, id, dom, tm, dom, "1724331669", "1", "0"),
			`in.tsv:2: column committer_time: "1724331669" is not an ISO 8601 time with offset`},
		{"parents negative", tsvHeader + line(sha, id, dom, tm, dom, tm, "-1", "0"), `in.tsv:2: column parents: "-1" is not a count`},
		{"parents word", tsvHeader + line(sha, id, dom, tm, dom, tm, "two", "0"), `in.tsv:2: column parents: "two" is not a count`},
		{"parents empty", tsvHeader + line(sha, id, dom, tm, dom, tm, "", "0"), `in.tsv:2: column parents: "" is not a count`},
		{"bot 2", tsvHeader + line(sha, id, dom, tm, dom, tm, "1", "2"), `in.tsv:2: column author_is_bot: "2" is not 0 or 1`},
		{"bot true", tsvHeader + line(sha, id, dom, tm, dom, tm, "1", "true"), `in.tsv:2: column author_is_bot: "true" is not 0 or 1`},
		{"bot empty", tsvHeader + line(sha, id, dom, tm, dom, tm, "1", ""), `in.tsv:2: column author_is_bot: "" is not 0 or 1`},
		{"line number counts blank lines", tsvHeader + good + "\n" + curlLine + "\r\n" + "bad\n" + good,
			"in.tsv:5: want 8 tab-separated columns, got 1"},
		{"line too long", tsvHeader + good + strings.Repeat("x", maxLine+1) + "\n" + good,
			"in.tsv:3: line is longer than 1048576 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, enc := range []string{"plain", "gzip"} {
				in := []byte(tc.in)
				if enc == "gzip" {
					in = gz(t, tc.in)
				}
				cs, err := ReadTSV(bytes.NewReader(in), "in.tsv", "o/r")
				if err == nil || err.Error() != tc.want || cs != nil {
					t.Errorf("%s: got %d commits, error\n  %v\nwant\n  %s", enc, len(cs), err, tc.want)
				}
			}
		})
	}
}

// errAfter returns data and then err.
type errAfter struct {
	data []byte
	err  error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestReadTSVReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	tests := []struct {
		name, data, want string
	}{
		{"before anything", "", "in.tsv:1: disk on fire"},
		{"inside the header", "sha\tauth", "in.tsv:1: disk on fire"},
		{"after a complete line", tsvHeader + curlLine + "\n", "in.tsv:3: disk on fire"},
		{"inside a line", tsvHeader + curlLine + "\n" + curlLine[:50], "in.tsv:3: disk on fire"},
		{"inside the last column", tsvHeader + curlLine[:len(curlLine)-1], "in.tsv:2: disk on fire"},
	}
	for _, tc := range tests {
		cs, err := ReadTSV(&errAfter{[]byte(tc.data), boom}, "in.tsv", "o/r")
		if !errors.Is(err, boom) || err.Error() != tc.want || cs != nil {
			t.Errorf("%s: got %d commits, %v; want %q", tc.name, len(cs), err, tc.want)
		}
	}
}

func TestReadTSVTruncatedGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString(tsvHeader)
	for i := 0; i < 2000; i++ {
		b.WriteString(curlLine + "\n")
		b.WriteString(sambaIndia + "\n")
	}
	full := gz(t, b.String())
	if cs, err := ReadTSV(bytes.NewReader(full), "in.tsv.gz", "o/r"); err != nil || len(cs) != 4000 {
		t.Fatalf("whole file: %d commits, %v", len(cs), err)
	}
	for _, n := range []int{2, 5, 10, 11, 20, 100, len(full) / 3, len(full) / 2, len(full) - 9, len(full) - 8, len(full) - 4, len(full) - 1} {
		cs, err := ReadTSV(bytes.NewReader(full[:n]), "in.tsv.gz", "o/r")
		if err == nil || cs != nil {
			t.Errorf("cut at %d of %d bytes: got %d commits, err %v; want an error", n, len(full), len(cs), err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "in.tsv.gz:") || !strings.Contains(msg, "file is truncated") ||
			!errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d of %d bytes: error %q, want one naming in.tsv.gz and saying it is truncated", n, len(full), msg)
		}
	}
	// The exact form, for a cut in the header and in the data.
	if _, err := ReadTSV(bytes.NewReader(full[:5]), "in.tsv.gz", "o/r"); err == nil ||
		err.Error() != "in.tsv.gz: file is truncated: gzip header: unexpected EOF" {
		t.Errorf("cut in the gzip header: %v", err)
	}
	_, err := ReadTSV(bytes.NewReader(full[:len(full)-8]), "in.tsv.gz", "o/r")
	if want := "in.tsv.gz:4002: file is truncated: unexpected EOF"; err == nil || err.Error() != want {
		t.Errorf("cut before the gzip trailer: %v, want %q", err, want)
	}
}

func TestReadTSVCorruptGzip(t *testing.T) {
	full := gz(t, tsvHeader+curlLine+"\n")
	bad := bytes.Clone(full)
	bad[len(bad)-6] ^= 0xff // in the CRC-32
	_, err := ReadTSV(bytes.NewReader(bad), "in.tsv.gz", "o/r")
	if want := "in.tsv.gz:3: gzip: invalid checksum"; err == nil || err.Error() != want {
		t.Errorf("bad checksum: %v, want %q", err, want)
	}
	// The gzip magic and then junk.
	_, err = ReadTSV(bytes.NewReader([]byte("\x1f\x8bjunkjunkjunk")), "in.tsv.gz", "o/r")
	if want := "in.tsv.gz: gzip: invalid header"; err == nil || err.Error() != want {
		t.Errorf("junk after the magic: %v, want %q", err, want)
	}
	// Concatenated gzip members are one stream.
	two := append(gz(t, tsvHeader+curlLine+"\n"), gz(t, curlMerge+"\n")...)
	cs, err := ReadTSV(bytes.NewReader(two), "in.tsv.gz", "o/r")
	if err != nil || len(cs) != 2 {
		t.Errorf("two gzip members: %d commits, %v; want 2", len(cs), err)
	}
	// An empty gzip stream is an empty file.
	_, err = ReadTSV(bytes.NewReader(gz(t, "")), "in.tsv.gz", "o/r")
	if want := "in.tsv.gz: empty file: want a header line"; err == nil || err.Error() != want {
		t.Errorf("empty gzip: %v, want %q", err, want)
	}
}

func TestReadTSVFile(t *testing.T) {
	dir := t.TempDir()
	content := tsvHeader + curlLine + "\n" + curlMerge + "\n"
	files := map[string][]byte{
		"plain.tsv":          []byte(content),
		"plain-named.tsv.gz": []byte(content), // detected by content, not name
		"packed.tsv.gz":      gz(t, content),
		"packed-named.tsv":   gz(t, content),
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cs, err := ReadTSVFile(path, "o/r")
		if err != nil || len(cs) != 2 || cs[1].Parents != 2 {
			t.Errorf("%s: %d commits, %v; want 2", name, len(cs), err)
		}
	}
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte(tsvHeader+"x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTSVFile(bad, "o/r"); err == nil || err.Error() != bad+":2: want 8 tab-separated columns, got 1" {
		t.Errorf("bad file: %v, want an error naming %s and line 2", err, bad)
	}
	missing := filepath.Join(dir, "missing.tsv.gz")
	if _, err := ReadTSVFile(missing, "o/r"); err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v, want a not-exist error naming it", err)
	}
}

// dataDir holds real histories (pseudonymised; see its README.md), copied
// from the shared data so that any clone runs these tests.
const dataDir = "testdata/real"

// TestReadTSVRealFiles reads the real histories and checks invariants
// that hold for any real history, in both the 8- and 9-column formats.
func TestReadTSVRealFiles(t *testing.T) {
	tests := []struct {
		file string
		min  int
	}{
		{"curl__curl.commits.tsv.gz", 10000},
		{"samba-team__samba.commits.tsv.gz", 100000},
		{"axboe__fio.commits.tsv.gz", 8000},
		{"intel__haxm.commits.tsv.gz", 400},
		{"mozilla__DeepSpeech.commits.tsv.gz", 3000},
		{"pmem__pmdk.commits.tsv.gz", 11000},
		{"rethinkdb__rethinkdb.commits.tsv.gz", 30000},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dataDir, tc.file)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := ReadTSV(bytes.NewReader(raw), path, strings.TrimSuffix(tc.file, ".commits.tsv.gz"))
			if err != nil {
				t.Fatal(err)
			}
			// Count lines independently.
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			text, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if want := bytes.Count(text, []byte("\n")) - 1; len(cs) != want {
				t.Errorf("%d commits, the file has %d lines after the header", len(cs), want)
			}
			if len(cs) < tc.min {
				t.Errorf("%d commits, want at least %d", len(cs), tc.min)
			}
			lo := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
			hi := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			seen := make(map[string]bool, len(cs))
			var merges, bots, bad, named int
			report := func(format string, args ...any) {
				if bad++; bad <= 10 {
					t.Errorf(format, args...)
				}
			}
			for i, c := range cs {
				if !isSHA(c.SHA) || seen[c.SHA] {
					report("commit %d: sha %q not a commit id or repeated", i, c.SHA)
				}
				seen[c.SHA] = true
				// author_id@domain; the name is author_name_id in the
				// 9-column files, none in the 8-column ones.
				if local, domain, _ := strings.Cut(c.AuthorEmail, "@"); !isHex12(local) || domain == "" {
					report("commit %s: email %q is not author_id@domain", c.SHA, c.AuthorEmail)
				}
				if c.AuthorName != "" && !isHex12(c.AuthorName) {
					report("commit %s: name %q is not an author_name_id", c.SHA, c.AuthorName)
				}
				if c.AuthorName != "" {
					named++
				}
				if strings.HasSuffix(c.CommitterEmail, "@") {
					report("commit %s: committer email %q", c.SHA, c.CommitterEmail)
				}
				if c.AuthorTime.Before(lo) || !c.AuthorTime.Before(hi) || c.CommitterTime.Before(lo) || !c.CommitterTime.Before(hi) {
					report("commit %s: author %v, committer %v outside 1990..2026", c.SHA, c.AuthorTime, c.CommitterTime)
				}
				if _, off := c.AuthorTime.Zone(); !c.AuthorTZKnown || off != c.AuthorTZOffset*60 ||
					c.AuthorTZOffset < -12*60 || c.AuthorTZOffset > 14*60 {
					report("commit %s: offset %d (zone %ds, known %v)", c.SHA, c.AuthorTZOffset, off, c.AuthorTZKnown)
				}
				if c.CommitterTime.Location() != time.UTC {
					report("commit %s: committer time not in UTC", c.SHA)
				}
				if c.Parents > 1 {
					merges++
				}
				if c.AuthorBot {
					bots++
				}
			}
			if merges == 0 {
				t.Errorf("no merges in %d commits", len(cs))
			}
			if nine := !strings.HasPrefix(tc.file, "curl") && !strings.HasPrefix(tc.file, "samba"); nine != (named == len(cs)) {
				t.Errorf("%d of %d commits named; the 9-column files name every author, the 8-column ones none", named, len(cs))
			}
			t.Logf("%d commits, %d merges, %d by bots", len(cs), merges, bots)
		})
	}
}

func isHex12(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}
