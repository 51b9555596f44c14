package collectors

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPersonDue(t *testing.T) {
	t.Parallel()
	week := 7 * 24 * time.Hour
	now := time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)
	// A login whose day of the week is today, and one whose is not.
	var today, other string
	for i := 0; today == "" || other == ""; i++ {
		l := fmt.Sprintf("person%d", i)
		onDay := personDue(l, now.Add(-24*time.Hour), now, week)
		switch {
		case onDay && today == "":
			today = l
		case !onDay && other == "":
			other = l
		}
	}
	tests := []struct {
		name   string
		login  string
		last   time.Time
		period time.Duration
		want   bool
	}{
		{"never read", other, time.Time{}, week, true},
		{"read yesterday, not their day", other, now.Add(-24 * time.Hour), week, false},
		{"read yesterday, their day", today, now.Add(-24 * time.Hour), week, true},
		{"read an hour ago, their day: once a day", today, now.Add(-time.Hour), week, false},
		{"a whole period unread, not their day", other, now.Add(-week), week, true},
		{"the login's case is no other person", strings.ToUpper(today), now.Add(-24 * time.Hour), week, true},
		{"a daily period: every day", other, now.Add(-13 * time.Hour), 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := personDue(tt.login, tt.last, now, tt.period); got != tt.want {
				t.Errorf("personDue(%s, %s ago, period %s) = %v, want %v", tt.login, now.Sub(tt.last), tt.period, got, tt.want)
			}
		})
	}
}

// Read once on the first day, a thousand people fall due again spread
// over the week: each on one day, about a seventh a day.
func TestPersonDueSpreadsAWeek(t *testing.T) {
	t.Parallel()
	week := 7 * 24 * time.Hour
	day0 := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	last := map[string]time.Time{}
	var logins []string
	for i := range 1000 {
		l := fmt.Sprintf("p%04d", i)
		logins = append(logins, l)
		last[l] = day0
	}
	for d := 1; d <= 14; d++ {
		now := day0.Add(time.Duration(d) * 24 * time.Hour)
		n := 0
		for _, l := range logins {
			if personDue(l, last[l], now, week) {
				last[l] = now
				n++
			}
		}
		if n < 1000/7*2/3 || n > 1000/7*4/3 {
			t.Errorf("day %d: %d of 1000 read, want about %d", d, n, 1000/7)
		}
	}
	for _, l := range logins {
		if age := day0.Add(14 * 24 * time.Hour).Sub(last[l]); age >= week {
			t.Errorf("%s unread for %s", l, age)
		}
	}
}
