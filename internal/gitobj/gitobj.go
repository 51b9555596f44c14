// Package gitobj computes git object IDs (SHA-1) in pure Go, so the fake
// GitHub can name blobs, trees and commits exactly as git does without git
// being installed: its REST and GraphQL answers then agree with the
// history it serves over git.
package gitobj

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EmptyTree is the object ID of the empty tree.
const EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// Hash returns the object ID of an object of kind ("blob", "tree",
// "commit", "tag") with content body: SHA-1 over "<kind> <len>\x00<body>".
func Hash(kind string, body []byte) string {
	h := sha1.New()
	h.Write([]byte(kind + " " + strconv.Itoa(len(body)) + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// BlobID is the object ID of a file with the given content.
func BlobID(content []byte) string { return Hash("blob", content) }

// Tree entry modes, as git writes them in tree objects (a subtree is
// "40000", without the leading zero `git ls-tree` shows).
const (
	ModeFile = "100644"
	ModeExec = "100755"
	ModeTree = "40000"
)

// TreeEntry is one name in a tree object.
type TreeEntry struct {
	Mode string // ModeFile, ModeExec or ModeTree
	Name string // one path component: no "/", no NUL, not empty
	ID   string // object ID in hex
}

// TreeID is the object ID of the tree holding entries, in any order: they
// are sorted as git sorts them (bytewise, a subtree's name compared as if
// it ended in "/"), which is what `git mktree` does too. It fails on what
// git would refuse or mangle: an empty name or one with "/" or NUL, an
// unknown mode, an ID that is not 40 hex digits, a name given twice.
func TreeID(entries []TreeEntry) (string, error) {
	body, err := TreeBody(entries)
	if err != nil {
		return "", err
	}
	return Hash("tree", body), nil
}

// TreeBody is the content of the tree object TreeID names.
func TreeBody(entries []TreeEntry) ([]byte, error) {
	es := slices.Clone(entries)
	key := func(e TreeEntry) string {
		if e.Mode == ModeTree {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(es, func(a, b TreeEntry) int { return strings.Compare(key(a), key(b)) })
	var buf bytes.Buffer
	for i, e := range es {
		switch {
		case e.Name == "" || e.Name == "." || e.Name == ".." || strings.ContainsAny(e.Name, "/\x00"):
			return nil, fmt.Errorf("tree entry %q: not a valid path component", e.Name)
		case e.Mode != ModeFile && e.Mode != ModeExec && e.Mode != ModeTree:
			return nil, fmt.Errorf("tree entry %q: unknown mode %q", e.Name, e.Mode)
		case i > 0 && es[i-1].Name == e.Name:
			return nil, fmt.Errorf("tree entry %q: given twice", e.Name)
		}
		raw, err := hex.DecodeString(e.ID)
		if err != nil || len(raw) != sha1.Size {
			return nil, fmt.Errorf("tree entry %q: object ID %q is not 40 hex digits", e.Name, e.ID)
		}
		buf.WriteString(e.Mode)
		buf.WriteByte(' ')
		buf.WriteString(e.Name)
		buf.WriteByte(0)
		buf.Write(raw)
	}
	return buf.Bytes(), nil
}

// Signature is an author or committer line: who and when. When's own
// zone gives the UTC offset git records (whole minutes; seconds are
// dropped, as git cannot store them).
type Signature struct {
	Name, Email string
	When        time.Time
}

// String renders the signature as git stores it in a commit object and as
// `git fast-import` reads it: "Name <email> 1700000000 +0200".
func (s Signature) String() string {
	return s.Name + " <" + s.Email + "> " + strconv.FormatInt(s.When.Unix(), 10) + " " + Offset(s.When)
}

// Offset formats t's UTC offset the way git does: "+0200", "-0930".
func Offset(t time.Time) string {
	_, sec := t.Zone()
	sign := byte('+')
	if sec < 0 {
		sign, sec = '-', -sec
	}
	h, m := sec/3600, sec/60%60
	return string([]byte{sign, byte('0' + h/10%10), byte('0' + h%10), byte('0' + m/10), byte('0' + m%10)})
}

// Commit is the content of a commit object.
type Commit struct {
	Tree      string   // tree ID
	Parents   []string // parent commit IDs, first parent first
	Author    Signature
	Committer Signature
	// Message is stored byte for byte: git adds nothing, so whoever wants
	// `git commit`'s trailing newline must include it (see NormalizeMessage).
	Message string
}

// Check reports what git would refuse in c, or would store differently
// from what CommitID hashes: identities with '<', '>' or a newline (which
// end or split a header line), times before 1970 (git's raw date format
// is an unsigned number) and malformed object IDs.
func (c Commit) Check() error {
	if !isHex40(c.Tree) {
		return fmt.Errorf("tree %q is not an object ID", c.Tree)
	}
	for _, p := range c.Parents {
		if !isHex40(p) {
			return fmt.Errorf("parent %q is not an object ID", p)
		}
	}
	for _, s := range []struct {
		role string
		sig  Signature
	}{{"author", c.Author}, {"committer", c.Committer}} {
		if strings.ContainsAny(s.sig.Name, "<>\n\x00") || strings.ContainsAny(s.sig.Email, "<>\n\x00") {
			return fmt.Errorf("%s %q <%s>: names and e-mails cannot contain '<', '>', NUL or newlines", s.role, s.sig.Name, s.sig.Email)
		}
		if s.sig.When.Unix() < 0 {
			return fmt.Errorf("%s date %s is before 1970", s.role, s.sig.When)
		}
	}
	return nil
}

// Body is the content of the commit object CommitID names.
func (c Commit) Body() []byte {
	var b bytes.Buffer
	b.Grow(200 + len(c.Message))
	b.WriteString("tree ")
	b.WriteString(c.Tree)
	b.WriteByte('\n')
	for _, p := range c.Parents {
		b.WriteString("parent ")
		b.WriteString(p)
		b.WriteByte('\n')
	}
	b.WriteString("author ")
	b.WriteString(c.Author.String())
	b.WriteString("\ncommitter ")
	b.WriteString(c.Committer.String())
	b.WriteString("\n\n")
	b.WriteString(c.Message)
	return b.Bytes()
}

// CommitID is the object ID of c. It does not check c (see Check): the
// fake hashes hundreds of thousands of commits it built itself.
func CommitID(c Commit) string { return Hash("commit", c.Body()) }

// NormalizeMessage ends a message with a newline, as `git commit` stores
// it: a non-empty message without a final newline gets one; one that has
// it, or an empty message, is kept as it is. (GitHub's REST API shows
// messages without that final newline.)
func NormalizeMessage(m string) string {
	if m == "" || strings.HasSuffix(m, "\n") {
		return m
	}
	return m + "\n"
}

func isHex40(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
