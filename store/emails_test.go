package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestEmailLogins(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	// REST linked alice's address in a commit stored before.
	if err := s.UpsertCommits(ctx, []Commit{
		{Repo: "a/b", SHA: "1111111111111111111111111111111111111111", AuthorEmail: "Alice@Example.org", AuthorLogin: "alice", AuthorTime: at},
		{Repo: "a/b", SHA: "2222222222222222222222222222222222222222", AuthorEmail: "nobody@example.org", AuthorTime: at},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEmailLogins(ctx, []EmailLogin{
		{Email: "bob@example.org", Login: "bob", CheckedAt: at},
		{Email: "ghost@example.org", Login: "", CheckedAt: at},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEmailLogins(ctx, []EmailLogin{{Email: ""}}); err == nil {
		t.Error("an empty email was accepted")
	}
	// bob's answer reached a commit stored before it, without a login.
	if err := s.UpsertCommits(ctx, []Commit{{Repo: "c/d", SHA: "3333333333333333333333333333333333333333",
		AuthorEmail: "bob@example.org", CommitterEmail: "Bob@Example.org", AuthorTime: at}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEmailLogins(ctx, []EmailLogin{{Email: "BOB@example.org", Login: "bob", CheckedAt: at}}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Commits(ctx, "c/d", time.Time{}, time.Time{})
	if err != nil || len(cs) != 1 || cs[0].AuthorLogin != "bob" || cs[0].CommitterLogin != "bob" {
		t.Errorf("commit by bob's email after the answer: %+v, %v; want author and committer login bob", cs, err)
	}
	// A commit written after the answer gets the login on its own.
	if err := s.UpsertCommits(ctx, []Commit{{Repo: "e/f", SHA: "4444444444444444444444444444444444444444",
		AuthorEmail: "BOB@example.org", CommitterEmail: "ghost@example.org", AuthorTime: at}}); err != nil {
		t.Fatal(err)
	}
	cs, err = s.Commits(ctx, "e/f", time.Time{}, time.Time{})
	if err != nil || len(cs) != 1 || cs[0].AuthorLogin != "bob" || cs[0].CommitterLogin != "" {
		t.Errorf("commit by bob's email written after the answer: %+v, %v; want author login bob, no committer login", cs, err)
	}
	got, err := s.EmailLogins(ctx, []string{"alice@example.org", "BOB@example.org", "ghost@example.org", "nobody@example.org", "new@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email, login string
		known        bool
	}{
		{"alice@example.org", "alice", true},
		{"bob@example.org", "bob", true},
		{"ghost@example.org", "", true},   // asked: linked to no account
		{"nobody@example.org", "", false}, // a commit without login says nothing
		{"new@example.org", "", false},
	} {
		r, ok := got[tc.email]
		if ok != tc.known || r.Login != tc.login {
			t.Errorf("%s: %+v (known %v), want login %q known %v", tc.email, r, ok, tc.login, tc.known)
		}
	}
}
