package ghclient

import (
	"testing"
	"time"
)

func TestPacingArithmetic(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	p := Pacing{PaceBelow: 0.5, Reserve: 0.02, MaxWait: time.Minute}
	// reset is chosen so that reset+resetSlack is a round time away.
	in := func(d time.Duration) time.Time { return now.Add(d - resetSlack) }
	tests := []struct {
		name      string
		q         quota
		spendable int // counting requests in flight
		interval  time.Duration
	}{
		{"unseen: full, unpaced", quota{}, 1<<31 - 1, 0},
		{"above half: unpaced", quota{seen: true, limit: 5000, remaining: 2600, reset: in(time.Hour)}, 2500, 0},
		{"at half: unpaced", quota{seen: true, limit: 5000, remaining: 2500, reset: in(time.Hour)}, 2400, 0},
		// 2,399 spendable over as many seconds: one a second.
		{"below half: spread to the reset", quota{seen: true, limit: 5000, remaining: 2499, reset: in(2399 * time.Second)}, 2399, time.Second},
		{"in flight count as spent", quota{seen: true, limit: 5000, remaining: 2000, inFlight: 4, reset: in(time.Hour)}, 1896, time.Hour / 1900},
		{"at the reserve", quota{seen: true, limit: 5000, remaining: 100, reset: in(time.Hour)}, 0, 0},
		{"reset passed", quota{seen: true, limit: 5000, remaining: 1000, reset: in(-time.Second)}, 900, 0},
		{"a tiny limit keeps no reserve", quota{seen: true, limit: 10, remaining: 1, reset: in(10 * time.Second)}, 1, 10 * time.Second},
	}
	for _, tt := range tests {
		if got := p.spendable(&tt.q, true); got != tt.spendable {
			t.Errorf("%s: spendable %d, want %d", tt.name, got, tt.spendable)
		}
		if got := p.interval(&tt.q, now); got != tt.interval {
			t.Errorf("%s: interval %s, want %s", tt.name, got, tt.interval)
		}
	}
}

// The pool prefers the credential with the most quota per second left.
func TestRatePrefersMoreQuotaPerSecond(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	p := DefaultPacing
	soonRich := quota{seen: true, limit: 5000, remaining: 1000, reset: now.Add(5 * time.Minute)}
	lateRicher := quota{seen: true, limit: 5000, remaining: 3000, reset: now.Add(55 * time.Minute)}
	if p.rate(&soonRich, now) <= p.rate(&lateRicher, now) {
		t.Errorf("1000 left for 5 minutes should beat 3000 left for 55")
	}
	if unseen := (quota{}); p.rate(&unseen, now) <= p.rate(&lateRicher, now) {
		t.Errorf("an unused credential should be tried first")
	}
}

// A window that has ended is forgotten: the quota is full again.
func TestQuotaRolls(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	q := quota{seen: true, limit: 5000, remaining: 0, reset: now, inFlight: 2}
	q.roll(now)
	if !q.seen {
		t.Fatal("rolled within the reset's second")
	}
	q.roll(now.Add(resetSlack))
	if q.seen || q.inFlight != 2 {
		t.Errorf("after the reset: %+v, want unseen with its requests in flight", q)
	}
}
