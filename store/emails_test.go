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
