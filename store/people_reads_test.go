package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Reads are kept per kind and login (any case), only ever move forward,
// and are no change of the facts: the shared facts' version stays.
func TestPeopleReads(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	// More logins than one lookup chunk.
	var many []string
	for i := range 1201 {
		many = append(many, fmt.Sprintf("User%04d", i))
	}
	if err := s.MarkPeopleRead(ctx, "users", many, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkPeopleRead(ctx, "users", []string{"user0001"}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkPeopleRead(ctx, "users", []string{"USER0002"}, t0.Add(-time.Hour)); err != nil { // older: kept the newer
		t.Fatal(err)
	}
	if err := s.MarkPeopleRead(ctx, "sponsors", []string{"user0003"}, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PeopleReads(ctx, "users", append(many, "nobody"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(many) {
		t.Fatalf("%d reads, want %d (nobody was never read)", len(got), len(many))
	}
	for login, want := range map[string]time.Time{"user0000": t0, "user0001": t0.Add(time.Hour), "user0002": t0, "user0003": t0, "user1200": t0} {
		if !got[login].Equal(want) {
			t.Errorf("users read of %s = %s, want %s", login, got[login], want)
		}
	}
	sp, err := s.PeopleReads(ctx, "sponsors", []string{"User0003", "user0004"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sp) != 1 || !sp["user0003"].Equal(t0.Add(2*time.Hour)) {
		t.Errorf("sponsors reads = %v, want user0003 only", sp)
	}
	v, err := s.FactVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v[SharedFacts] != 0 {
		t.Errorf("shared facts version %d after reads, want 0: reading is no change", v[SharedFacts])
	}
}
