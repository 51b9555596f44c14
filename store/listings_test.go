package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestAccountListings(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.AccountListingOf(ctx, "prometheus"); ok || err != nil {
		t.Fatalf("listing before any: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, l := range []AccountListing{
		{Account: "Prometheus", Repos: []ListedRepo{{Name: "prometheus/old"}}, ListedAt: at.Add(-time.Hour)},
		{Account: "prometheus", Repos: []ListedRepo{{Name: "prometheus/prometheus"}, {Name: "prometheus/fork", Fork: true}, {Name: "prometheus/attic", Archived: true}}, ListedAt: at},
	} {
		if err := s.SetAccountListing(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.AccountListingOf(ctx, "PROMETHEUS")
	want := AccountListing{Account: "prometheus", ListedAt: at,
		Repos: []ListedRepo{{Name: "prometheus/prometheus"}, {Name: "prometheus/fork", Fork: true}, {Name: "prometheus/attic", Archived: true}}}
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("AccountListingOf = %+v, %v, %v; want %+v (the newer listing replaces the older)", got, ok, err, want)
	}
	if err := s.SetAccountListing(ctx, AccountListing{}); err == nil {
		t.Error("a listing without account was accepted")
	}
}
