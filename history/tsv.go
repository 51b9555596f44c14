// Package history reads commit histories without the GitHub API: the
// pseudonymised TSV files of shared/data, and `git log` of a local clone.
// Both keep each author's own UTC offset, which the REST API drops.
package history

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/internal/userfile"
	"github.com/fundwatch/fundwatch/store"
)

// tsvColumns are the columns of the TSV format. Files written before
// author_name_id existed have the first eight only; both are read.
var tsvColumns = []string{"sha", "author_id", "author_email_domain", "author_time", "committer_email_domain", "committer_time", "parents", "author_is_bot", "author_name_id"}

// tsvOldColumns is the header of the older, 8-column files.
const tsvOldColumns = 8

// ReadTSVFile reads a TSV history file, gzip-compressed or plain.
func ReadTSVFile(path, repo string) ([]store.Commit, error) {
	f, err := userfile.Open(path) // a regular file: lines are capped, the count is not
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTSV(f, path, repo)
}

// ReadTSV reads the TSV history format (see shared/data/README.md), plain
// or gzip-compressed (told apart by the gzip magic number). A pseudonymous
// author becomes the address author_id@domain, so that domain-based
// affiliation still works and one pseudonym stays one person; an empty
// domain becomes unknown.invalid. Blank lines are skipped and a CR before
// the LF is ignored. AuthorTime keeps the author's offset (in a fixed zone
// and in AuthorTZOffset); CommitterTime is in UTC.
//
// Errors are prefixed with name and, where there is one, the line number
// ("name:12: column parents: ..."); a gzip stream that ends early is
// reported as truncated, not as a malformed last line.
func ReadTSV(r io.Reader, name, repo string) ([]store.Commit, error) {
	src := &errReader{r: r}
	br := bufio.NewReaderSize(src, 1<<16)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("%s: file is truncated: gzip header: %w", name, err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer gz.Close()
		// Wrap the decompressor, so its errors (truncation, checksum) are
		// seen too.
		src = &errReader{r: gz}
		br = bufio.NewReaderSize(src, 1<<16)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	line := 0
	// readErr describes a failure to read line (the line being read).
	readErr := func(err error) error {
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("%s:%d: file is truncated: %w", name, line, err)
		case errors.Is(err, bufio.ErrTooLong):
			return fmt.Errorf("%s:%d: line is longer than %d bytes", name, line, maxLine)
		}
		return fmt.Errorf("%s:%d: %w", name, line, err)
	}
	line++
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, readErr(err)
		}
		return nil, fmt.Errorf("%s: empty file: want a header line", name)
	}
	// drained reports a read error that came before the end of the input,
	// at the line where it came: the scanner reads ahead, and it hands over
	// a last, partial line before its error, so a malformed line may be just
	// the symptom.
	drained := func() error {
		for sc.Scan() {
			line++
		}
		return readErr(src.err)
	}
	header := strings.TrimRight(sc.Text(), "\r")
	columns := 0
	switch header {
	case strings.Join(tsvColumns, "\t"):
		columns = len(tsvColumns)
	case strings.Join(tsvColumns[:tsvOldColumns], "\t"):
		columns = tsvOldColumns
	default:
		if src.err != nil {
			return nil, drained()
		}
		return nil, fmt.Errorf("%s:1: header is %q, want %q (or its first %d columns)", name, strings.ReplaceAll(header, "\t", " "),
			strings.Join(tsvColumns, " "), tsvOldColumns)
	}
	var out []store.Commit
	for {
		line++
		if !sc.Scan() {
			break
		}
		b := bytes.TrimRight(sc.Bytes(), "\r")
		if len(b) == 0 {
			continue
		}
		c, err := parseTSVLine(string(b), repo, columns)
		if err != nil {
			if src.err != nil {
				return nil, drained()
			}
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, readErr(err)
	}
	return out, nil
}

// maxLine bounds a line; real lines are about 150 bytes.
const maxLine = 1 << 20

// errReader remembers the first error other than io.EOF that its reader
// returned.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// parseTSVLine reads one line of the given number of columns. The author
// becomes the address author_id@domain; the name is author_name_id where
// the file has it, else empty (no name, rather than a made-up one: names
// only ever veto an alarm, see analysis).
func parseTSVLine(s, repo string, columns int) (store.Commit, error) {
	var f [9]string
	n := 0
	for n < columns-1 {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			break
		}
		f[n], s = s[:i], s[i+1:]
		n++
	}
	f[n] = s
	n++
	if n != columns || strings.IndexByte(s, '\t') >= 0 {
		return store.Commit{}, fmt.Errorf("want %d tab-separated columns, got %d", columns, strings.Count(s, "\t")+n)
	}
	if f[0] == "" {
		return store.Commit{}, errors.New("column sha: empty")
	}
	at, err := time.Parse(time.RFC3339, f[3])
	if err != nil {
		return store.Commit{}, fmt.Errorf("column author_time: %q is not an ISO 8601 time with offset", f[3])
	}
	ct, err := time.Parse(time.RFC3339, f[5])
	if err != nil {
		return store.Commit{}, fmt.Errorf("column committer_time: %q is not an ISO 8601 time with offset", f[5])
	}
	parents, err := strconv.Atoi(f[6])
	if err != nil || parents < 0 {
		return store.Commit{}, fmt.Errorf("column parents: %q is not a count", f[6])
	}
	var bot bool
	switch f[7] {
	case "0":
	case "1":
		bot = true
	default:
		return store.Commit{}, fmt.Errorf("column author_is_bot: %q is not 0 or 1", f[7])
	}
	domain := f[2]
	if domain == "" {
		domain = "unknown.invalid"
	}
	cdomain := f[4]
	if cdomain == "" {
		cdomain = "unknown.invalid"
	}
	_, off := at.Zone()
	return store.Commit{
		Repo: repo, SHA: f[0],
		AuthorName: f[8], AuthorEmail: f[1] + "@" + domain,
		AuthorTime: at.In(zone(off)), AuthorTZKnown: true, AuthorTZOffset: off / 60,
		CommitterEmail: "committer@" + cdomain, CommitterTime: ct.UTC(),
		Parents: parents, AuthorBot: bot,
	}, nil
}
