package collectors

import (
	"context"
	"hash/fnv"
	"strings"
	"time"
)

// DefaultPeopleRefresh is how often a person's profile and sponsors are
// read again (collection.people_refresh). Employers and sponsors change
// over months, the signals that read them over quarters; read daily, the
// people of 10,000 repositories would cost more points than every hourly
// probe of them.
const DefaultPeopleRefresh = 7 * 24 * time.Hour

// peopleRefresh is Env.PeopleRefresh or its default.
func (e *Env) peopleRefresh() time.Duration {
	if e.PeopleRefresh <= 0 {
		return DefaultPeopleRefresh
	}
	return e.PeopleRefresh
}

// personDue reports whether a person's facts of one kind, last read at
// last (zero: never), are read at now. A person never read is read at
// once: the analysis needs every active author's profile before it says
// who pays. After that, once a period, on the person's own day of it (a
// stable hash of the login picks it), so that the thousands a first sync
// read on one day are read again spread evenly over the period's days,
// not all on one; and whoever went a whole period unread (a failed or
// missed run) on the next run, whatever the day.
func personDue(login string, last, now time.Time, period time.Duration) bool {
	if last.IsZero() {
		return true
	}
	age := now.Sub(last)
	if age >= period {
		return true
	}
	days := max(1, int64(period/(24*time.Hour)))
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(login)))
	day := now.Unix() / (24 * 3600)
	// Half a day since the last read: a person is read once on their day
	// however often the collector runs.
	return day%days == int64(h.Sum32())%days && age >= 12*time.Hour
}

// duePeople returns the logins whose facts of kind are due this run
// (personDue), in the order given.
func duePeople(ctx context.Context, env *Env, kind string, logins []string) ([]string, error) {
	reads, err := env.Store.PeopleReads(ctx, kind, logins)
	if err != nil {
		return nil, err
	}
	now, period := env.clock(), env.peopleRefresh()
	out := logins[:0:0]
	for _, l := range logins {
		if personDue(l, reads[strings.ToLower(l)], now, period) {
			out = append(out, l)
		}
	}
	return out, nil
}
