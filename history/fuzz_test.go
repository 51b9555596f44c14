package history

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"time"
)

// fuzzGzip is reused: a new gzip.Writer allocates about a megabyte, which
// slowed fuzzing several times over. Fuzz calls within a process are
// sequential.
var fuzzGzip, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)

// FuzzReadTSV feeds ReadTSV arbitrary input (the seed corpus in
// testdata/fuzz/FuzzReadTSV holds real lines and edge cases). It must not
// panic; every error must name the input; every commit must be whole; and
// the input gzip-compressed must read the same as the input itself.
func FuzzReadTSV(f *testing.F) {
	f.Add([]byte(tsvHeader + curlLine + "\n" + curlMerge + "\n"))
	f.Add([]byte(tsvHeader9 + haxmLine + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.tsv"
		cs, err := ReadTSV(bytes.NewReader(data), name, "o/r")
		if err != nil {
			if !strings.HasPrefix(err.Error(), name+":") || cs != nil {
				t.Fatalf("error %q does not name the input, or came with %d commits", err, len(cs))
			}
		}
		for i, c := range cs {
			_, off := c.AuthorTime.Zone()
			if c.SHA == "" || c.Repo != "o/r" || !c.AuthorTZKnown || off != c.AuthorTZOffset*60 ||
				!strings.Contains(c.AuthorEmail, "@") || strings.HasSuffix(c.AuthorEmail, "@") ||
				strings.HasSuffix(c.CommitterEmail, "@") || c.Parents < 0 || c.CommitterTime.Location().String() != "UTC" {
				t.Fatalf("commit %d is not whole: %+v", i, c)
			}
		}
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			return // already gzip: compressing it again changes its meaning
		}
		var z bytes.Buffer
		fuzzGzip.Reset(&z)
		fuzzGzip.Write(data)
		fuzzGzip.Close()
		zcs, zerr := ReadTSV(&z, name, "o/r")
		if (err == nil) != (zerr == nil) || err != nil && err.Error() != zerr.Error() || len(cs) != len(zcs) {
			t.Fatalf("plain and gzip differ: %d commits, %v; %d commits, %v", len(cs), err, len(zcs), zerr)
		}
		for i := range cs {
			a, b := cs[i], zcs[i]
			if !a.AuthorTime.Equal(b.AuthorTime) || a.AuthorTZOffset != b.AuthorTZOffset || a.SHA != b.SHA {
				t.Fatalf("commit %d differs: %+v vs %+v", i, a, b)
			}
		}
	})
}

// FuzzParseGitLog feeds the git log parser arbitrary output. It must not
// panic, every error must come without commits, and every commit must be
// whole: an id, its repository, dates in the zones ReadGit promises.
func FuzzParseGitLog(f *testing.F) {
	sha := strings.Repeat("0f", 20)
	f.Add([]byte(sha + "\x00\x00Ann\x00a@x.org\x001700000000 +0530\x00Cy\x00c@x.org\x001700000060 -0800\x00subject\x00"))
	f.Add([]byte(sha + "\x00" + sha + " " + sha + "\x00\x00\x00-5 +9999\x00\x00\x000 +0000\x00\x00\n" + sha + "\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := parseGitLog(bytes.NewReader(data), "o/r")
		if err != nil && cs != nil {
			t.Fatalf("error %v came with %d commits", err, len(cs))
		}
		for i, c := range cs {
			_, off := c.AuthorTime.Zone()
			zoneOK := c.AuthorTZKnown && off == c.AuthorTZOffset*60 ||
				!c.AuthorTZKnown && c.AuthorTime.Location() == time.UTC && c.AuthorTZOffset == 0
			if !isSHA(c.SHA) || c.Repo != "o/r" || c.Parents < 0 || c.CommitterTime.Location() != time.UTC || !zoneOK {
				t.Fatalf("commit %d is not whole: %+v", i, c)
			}
		}
	})
}
