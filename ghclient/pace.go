package ghclient

import (
	"math"
	"time"
)

// Pacing shapes how each credential's quota is spent. GitHub grants a
// fixed number of requests per window (5,000 an hour for a user): a large
// watch list spent as fast as the workers go uses the hour in minutes and
// then stalls until the reset, with nothing left for anyone else on the
// account. The pacer spends the first part freely, then spreads the rest
// over the time left, and never touches a reserve.
type Pacing struct {
	// PaceBelow is the share of a credential's limit below which its
	// remaining quota is spread evenly over the time left until the
	// reset (requests are spaced (reset−now)/(remaining−reserve) apart);
	// above it requests go out as fast as the in-flight bound allows.
	// 1 paces from the first request.
	PaceBelow float64
	// Reserve is the share of each credential's limit never spent (for
	// the people and tools sharing the account): a credential at its
	// reserve is not used until its window resets.
	Reserve float64
	// MaxWait is the longest a request waits for a reset when every
	// credential is spent: at its reserve, or so near it that the pacer
	// would space its requests further than MaxWait apart. A longer wait
	// is not made: the request fails at once with ErrBudgetReserved, and
	// the collectors leave the repository for their next scheduled run.
	MaxWait time.Duration
}

// DefaultPacing is used when Options.Pacing is nil.
var DefaultPacing = Pacing{PaceBelow: 0.5, Reserve: 0.02, MaxWait: time.Minute}

// resetSlack is added to an announced reset: x-ratelimit-reset has a
// resolution of one second, and a request sent at that second may still
// land in the old window.
const resetSlack = time.Second

// quota is what is known of one credential's budget for one resource
// (core, graphql, search), from the x-ratelimit-* headers it last saw.
type quota struct {
	seen                   bool // headers seen in the current window
	limit, remaining, used int
	reset                  time.Time
	inFlight               int       // requests sent, not yet answered
	nextAt                 time.Time // the pacer's earliest next request
	interval               time.Duration
}

// roll forgets a window that has ended: the quota is full again, as far
// as anyone knows, until the next answer says otherwise.
func (q *quota) roll(now time.Time) {
	if q.seen && !now.Before(q.reset.Add(resetSlack)) {
		inFlight := q.inFlight
		*q = quota{inFlight: inFlight}
	}
}

// reserve is how many requests of the window are kept back.
func (p Pacing) reserve(limit int) int {
	return int(float64(limit) * p.Reserve)
}

// spendable is how many more requests the window allows before the
// reserve. inFlight says whether to count the requests in flight as
// spent: they are when deciding to send one more, but GitHub may already
// have counted them in the latest answer, so they are not when deciding
// that a quota is spent (the answers still due will say).
// An unseen quota is assumed full.
func (p Pacing) spendable(q *quota, inFlight bool) int {
	if !q.seen {
		return math.MaxInt32
	}
	n := q.remaining - p.reserve(q.limit)
	if inFlight {
		n -= q.inFlight
	}
	return n
}

// interval is the spacing the pacer imposes between requests on q at now:
// 0 above PaceBelow, else the time left until the reset divided by the
// requests that may still be spent. It goes by what GitHub last
// announced: the requests in flight may already be counted there or not,
// so the pacer may run ahead by as many (spendable keeps the reserve
// whole all the same).
func (p Pacing) interval(q *quota, now time.Time) time.Duration {
	if !q.seen || q.limit <= 0 || float64(q.remaining)/float64(q.limit) >= p.PaceBelow {
		return 0
	}
	n := p.spendable(q, false)
	left := q.reset.Add(resetSlack).Sub(now)
	if left <= 0 || n <= 0 {
		return 0
	}
	return left / time.Duration(n)
}

// rate is the quota per second q can still spend until its reset: the
// pool sends each request to the credential with the most.
func (p Pacing) rate(q *quota, now time.Time) float64 {
	if !q.seen {
		return math.Inf(1)
	}
	left := q.reset.Add(resetSlack).Sub(now).Seconds()
	if left < 1 {
		left = 1
	}
	return float64(p.spendable(q, true)) / left
}
