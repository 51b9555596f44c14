package ghclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrBudgetReserved is wrapped by the error of a request the pool did not
// send because every credential has spent its quota down to the reserve
// and no reset is near (or waiting for one would pass the request's
// deadline). It is not a failure of the repository being collected: the
// collectors leave it for their next run, and its data stays as it was.
var ErrBudgetReserved = errors.New("GitHub rate limit budget reserved")

// BudgetError is the error of a request the pool did not send.
type BudgetError struct {
	Resource string    // core, graphql, search
	Until    time.Time // when the first credential can be used again
	Reason   string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("GitHub rate limit: %s (%s quota, until %s); request not sent, left for the next run",
		e.Reason, e.Resource, e.Until.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrBudgetReserved) true.
func (e *BudgetError) Is(target error) bool { return target == ErrBudgetReserved }

// PoolObserver is the part of an Observer that follows each credential of
// a pool. Observer.RateLimit reports the pool's totals (for one
// credential, what GitHub announced to it); CredentialRateLimit each
// credential's own.
type PoolObserver interface {
	// CredentialRateLimit reports the quota GitHub announced to one
	// credential.
	CredentialRateLimit(credential, resource string, limit, remaining int, reset time.Time)
	// Pacing reports the spacing the pacer now imposes between the
	// credential's requests (0: not pacing).
	Pacing(credential, resource string, interval time.Duration)
	// SecondaryLimit reports a secondary limit: the credential rests for
	// wait while the others go on.
	SecondaryLimit(credential string, wait time.Duration)
	// Deferred reports a request not sent: every credential is at its
	// reserve (see ErrBudgetReserved).
	Deferred(resource string)
}

// Pool spreads requests over credentials. Each request goes to the
// credential with the most quota left per second until its reset, among
// those not resting after a secondary limit, not at their reserve, not
// held back by the pacer, and with an in-flight slot free. Its state comes
// from the x-ratelimit-* headers of each credential's latest answers, per
// resource (core, graphql, search).
type Pool struct {
	base        string // REST base URL, ending in "/"
	userAgent   string
	obs         Observer
	pobs        PoolObserver // obs, when it implements PoolObserver
	pacing      Pacing
	maxInFlight int
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error

	mu      sync.Mutex
	budgets []*budget
	wake    chan struct{} // closed (and replaced) when a slot frees
}

// budget is one rate-limit budget: a credential, or the tokens of one
// user once Identify found them.
type budget struct {
	name         string
	creds        []*cred
	next         int // round robin over creds
	inFlight     int
	quotas       map[string]*quota
	blockedUntil time.Time // resting after a secondary limit or a refusal
	streak       int       // secondary limits in a row without Retry-After
}

// Resting times. GitHub asks for at least a minute after a secondary
// limit without Retry-After, then exponentially more.
const (
	secondaryRest    = time.Minute
	secondaryRestCap = 16 * time.Minute
	refusedRest      = 5 * time.Minute // a credential GitHub does not accept
)

func (b *budget) quota(resource string, now time.Time) *quota {
	q := b.quotas[resource]
	if q == nil {
		q = &quota{}
		b.quotas[resource] = q
	}
	q.roll(now)
	return q
}

func (b *budget) names() []string {
	out := make([]string, len(b.creds))
	for i, c := range b.creds {
		out[i] = c.name
	}
	return out
}

// absorb takes o's credentials: both spend one quota from now on.
func (b *budget) absorb(o *budget) {
	b.creds = append(b.creds, o.creds...)
	for res, oq := range o.quotas {
		q := b.quotas[res]
		if q == nil || oq.seen && (!q.seen || oq.used > q.used) {
			cp := *oq
			if q != nil {
				cp.inFlight = q.inFlight
			}
			b.quotas[res] = &cp
		}
	}
	if o.blockedUntil.After(b.blockedUntil) {
		b.blockedUntil = o.blockedUntil
	}
}

func (p *Pool) remove(b *budget) {
	for i, x := range p.budgets {
		if x == b {
			p.budgets = append(p.budgets[:i:i], p.budgets[i+1:]...)
			return
		}
	}
}

func (p *Pool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.budgets)
}

// broadcast wakes the requests waiting for a slot; p.mu is held.
func (p *Pool) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// errNoAlternative ends a retry on another credential: none is ready.
var errNoAlternative = errors.New("no other credential ready")

// acquire picks a credential for a request on resource and takes one of
// its in-flight slots, waiting for the pacer, a free slot, or a reset at
// most MaxWait away. When every credential is spent for longer it returns
// a *BudgetError at once.
//
// A credential resting after a secondary limit (or refused) is passed
// over while another can take the request, but never waited for: when
// only resting credentials are left, the request goes to the one whose
// rest ends first. The request GitHub refused comes back to its caller,
// which waits Retry-After before trying again (collectors/call.go, with
// its attempt count, its logs and its deadline); a pool that also held
// every other request would only wait twice.
//
// retry is set when a credential has just refused this request: then only
// credentials that can take it without a reset or a rest are considered,
// and errNoAlternative says there is none.
func (p *Pool) acquire(ctx context.Context, resource string, retry bool) (*budget, *cred, error) {
	for {
		p.mu.Lock()
		now := p.now()
		sc := p.scan(resource, now, false)
		if sc.best == nil && sc.earliest.IsZero() && !sc.slotWait && sc.resting && !retry {
			sc = p.scan(resource, now, true)
		}
		if sc.best != nil {
			c := p.take(sc.best, resource, now)
			p.mu.Unlock()
			return sc.best, c, nil
		}
		if retry && sc.earliest.IsZero() && !sc.slotWait {
			p.mu.Unlock()
			return nil, nil, errNoAlternative
		}
		earliest := sc.earliest
		if sc.spent {
			if sc.firstReady.Sub(now) > p.pacing.MaxWait {
				p.mu.Unlock()
				return nil, nil, &BudgetError{Resource: resource, Until: sc.firstReady,
					Reason: fmt.Sprintf("every credential is spent (at its reserve, or paced more than %s apart)", p.pacing.MaxWait)}
			}
			earliest = sc.firstReady
		}
		wake := p.wake
		p.mu.Unlock()
		var d time.Duration
		if !earliest.IsZero() {
			d = earliest.Sub(now)
		}
		if dl, ok := ctx.Deadline(); ok && d > 0 && time.Until(dl) < d {
			return nil, nil, &BudgetError{Resource: resource, Until: earliest,
				Reason: fmt.Sprintf("waiting %s for a credential would pass the deadline", d.Round(time.Millisecond))}
		}
		if err := p.wait(ctx, d, wake); err != nil {
			return nil, nil, err
		}
	}
}

// scan is what acquire sees of the budgets at now.
type scan struct {
	best       *budget   // ready now, with the most quota per second
	earliest   time.Time // when the pacer lets one go, if none is ready
	slotWait   bool      // one is ready but for a free slot or answers due
	resting    bool      // one was passed over for its rest
	spent      bool      // every budget is spent...
	firstReady time.Time // ...until then
}

// scan looks at every budget for a request on resource; p.mu is held.
// withResting takes resting budgets as if they were not.
func (p *Pool) scan(resource string, now time.Time, withResting bool) scan {
	sc := scan{spent: true}
	var bestRate float64
	for _, b := range p.budgets {
		q := b.quota(resource, now)
		spent, ready, pending := p.standing(q, now)
		if spent {
			if sc.firstReady.IsZero() || ready.Before(sc.firstReady) {
				sc.firstReady = ready
			}
			continue
		}
		sc.spent = false
		if b.blockedUntil.After(now) && !withResting {
			sc.resting = true
			continue
		}
		switch {
		case pending || b.inFlight >= p.maxInFlight:
			sc.slotWait = true
		case q.nextAt.After(now):
			if sc.earliest.IsZero() || q.nextAt.Before(sc.earliest) {
				sc.earliest = q.nextAt
			}
		default:
			r := p.pacing.rate(q, now)
			if withResting {
				// The one whose rest ends first.
				r = -float64(b.blockedUntil.UnixNano())
			}
			if sc.best == nil || r > bestRate {
				sc.best, bestRate = b, r
			}
		}
	}
	return sc
}

// standing says whether q is spent for this window and, if so, when it
// can be used again: at the reset when it is down to its reserve, or when
// the pacer lets it send its next request if that is more than MaxWait
// away (a run crawling at one request every few minutes helps nobody; its
// repositories are better left for the next one). pending says that
// what q has left is in flight: the answers will tell whether there is
// more (GitHub may have counted those requests already).
func (p *Pool) standing(q *quota, now time.Time) (spent bool, ready time.Time, pending bool) {
	switch {
	case p.pacing.spendable(q, false) <= 0:
		return true, q.reset.Add(resetSlack), false
	case p.pacing.spendable(q, true) <= 0:
		return false, time.Time{}, true
	case q.nextAt.Sub(now) > p.pacing.MaxWait:
		return true, q.nextAt, false
	}
	return false, time.Time{}, false
}

// take gives a request one of b's slots and moves the pacer on; p.mu is
// held.
func (p *Pool) take(b *budget, resource string, now time.Time) *cred {
	q := b.quota(resource, now)
	iv := p.pacing.interval(q, now)
	b.inFlight++
	q.inFlight++
	q.nextAt = now.Add(iv)
	if iv != q.interval {
		q.interval = iv
		if p.pobs != nil {
			for _, c := range b.creds {
				p.pobs.Pacing(c.name, resource, iv)
			}
		}
	}
	c := b.creds[b.next%len(b.creds)]
	b.next++
	return c
}

// wait waits d, or for a slot to free when d is 0, or until ctx ends.
func (p *Pool) wait(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	if d <= 0 {
		select {
		case <-wake:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if p.sleep != nil {
		return p.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake: // a slot freed: maybe of a credential ready sooner
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// verdict is what an answer says about the credential that got it.
type verdict int

const (
	answered  verdict = iota // anything else: the request's own outcome
	exhausted                // primary limit: quota spent until the reset
	secondary                // secondary limit: rest Retry-After (or a minute and more)
	refused                  // the credential is not accepted (401, App token refused)
)

// judge classifies resp. A 403 without Retry-After or an exhausted quota
// is a secondary limit only when GitHub's message says so: permission
// 403s ("Resource not accessible by integration", "list is too large")
// are the request's own outcome.
func judge(resp *http.Response) (verdict, time.Duration) {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return refused, 0
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return answered, 0
	}
	ra, hasRA := retryAfterOf(resp.Header)
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" && !hasRA {
		return exhausted, 0
	}
	if resp.StatusCode == http.StatusTooManyRequests || hasRA {
		return secondary, ra
	}
	// Read the start of the body for the message, and put it back.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var rest io.Reader = resp.Body
	if err != nil {
		rest = errReader{err}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), resp.Body}
	msg := strings.ToLower(string(body))
	if strings.Contains(msg, "secondary rate limit") || strings.Contains(msg, "abuse") {
		return secondary, 0
	}
	return answered, 0
}

// errReader replays a read error after the bytes read before it.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// retryAfterOf reads Retry-After: seconds, or an HTTP date.
func retryAfterOf(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// settle returns b's slot and learns from the answer: the quota it
// announced, and whether the credential must rest.
func (p *Pool) settle(b *budget, c *cred, resource string, resp *http.Response, v verdict, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	q := b.quota(resource, now)
	b.inFlight--
	q.inFlight--
	p.broadcast()
	if resp != nil {
		p.note(b, resource, resp)
	}
	switch v {
	case secondary:
		wait := retryAfter
		if wait <= 0 {
			wait = min(secondaryRest<<min(b.streak, 8), secondaryRestCap)
			b.streak++
		}
		if until := now.Add(wait); until.After(b.blockedUntil) {
			b.blockedUntil = until
		}
		if p.pobs != nil {
			p.pobs.SecondaryLimit(c.name, wait)
		}
	case refused:
		if until := now.Add(refusedRest); until.After(b.blockedUntil) {
			b.blockedUntil = until
		}
	case exhausted:
		q = b.quota(resourceOfHeader(resp, resource), now)
		q.remaining = 0
		if !q.seen {
			// Headers cut short: the reset alone, or a minute.
			q.seen, q.reset = true, now.Add(time.Minute)
			if s, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
				q.reset = time.Unix(s, 0)
			}
		}
	default:
		b.streak = 0
	}
}

// exhaust marks b's quota for resource spent until its reset: GraphQL
// refuses a query costing more than what is left with 200 and
// RATE_LIMITED, while x-ratelimit-remaining may not be 0.
func (p *Pool) exhaust(b *budget, resource string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	q := b.quota(resource, now)
	q.remaining = 0
	if !q.seen {
		q.seen, q.reset = true, now.Add(time.Minute)
	}
	p.broadcast()
}

// rateResources are the rate-limit resources GitHub names in
// x-ratelimit-resource (and /rate_limit's resources).
var rateResources = map[string]bool{
	"core": true, "search": true, "graphql": true, "code_search": true,
	"integration_manifest": true, "source_import": true,
	"code_scanning_upload": true, "code_scanning_autofix": true,
	"actions_runner_registration": true, "scim": true,
	"dependency_snapshots": true, "dependency_sbom": true,
	"audit_log": true, "audit_log_streaming": true,
}

// otherResource stands for any x-ratelimit-resource GitHub does not
// document.
const otherResource = "other"

// resourceName keeps a resource named in a header only when it is one of
// GitHub's: the name keys the pool's quotas and is a label value of
// /metrics, so a server echoing a request header (a token) or inventing
// names must neither choose the value nor grow the set.
func resourceName(header string) string {
	if rateResources[header] {
		return header
	}
	return otherResource
}

// resourceOfHeader is the rate-limit resource an answer counts against:
// its x-ratelimit-resource (see resourceName), or inferred from the
// request when it has none.
func resourceOfHeader(resp *http.Response, inferred string) string {
	if resp != nil {
		if r := resp.Header.Get("X-Ratelimit-Resource"); r != "" {
			return resourceName(r)
		}
	}
	return inferred
}

// note updates b's quota from resp's x-ratelimit-* headers; p.mu is held.
// Answers can arrive out of order: within a window, the one that counts
// more requests used is the newer.
func (p *Pool) note(b *budget, inferred string, resp *http.Response) {
	lim, rem, reset, ok := rateHeaders(resp.Header)
	if !ok {
		return
	}
	res := resourceOfHeader(resp, inferred)
	used, err := strconv.Atoi(resp.Header.Get("X-Ratelimit-Used"))
	if err != nil {
		used = lim - rem
	}
	q := b.quota(res, p.now())
	if q.seen && reset.Equal(q.reset) && used < q.used {
		return
	}
	q.seen, q.limit, q.remaining, q.used, q.reset = true, lim, rem, used, reset
	if p.pobs != nil {
		for _, c := range b.creds {
			p.pobs.CredentialRateLimit(c.name, res, lim, rem, reset)
		}
	}
	if p.obs != nil {
		lim, rem, reset := p.totals(res)
		p.obs.RateLimit(res, lim, rem, reset)
	}
}

// totals is the pool's quota for resource, as far as answers told: the
// sums of the budgets' limits and what is left of them, and the first
// reset; p.mu is held.
func (p *Pool) totals(resource string) (limit, remaining int, reset time.Time) {
	for _, b := range p.budgets {
		q := b.quotas[resource] // as announced, even if the reset has passed
		if q == nil || !q.seen {
			continue
		}
		limit, remaining = limit+q.limit, remaining+max(q.remaining, 0)
		if reset.IsZero() || q.reset.Before(reset) {
			reset = q.reset
		}
	}
	return limit, remaining, reset
}

// readyAgain is when some credential can take a request on resource
// again; p.mu is held.
func (p *Pool) readyAgain(resource string, now time.Time) time.Time {
	var first time.Time
	for _, b := range p.budgets {
		q := b.quota(resource, now)
		at := now
		if spent, ready, _ := p.standing(q, now); spent {
			at = ready
		} else if b.blockedUntil.After(at) {
			at = b.blockedUntil
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first
}

// present makes the x-ratelimit-* headers of an answer from a pool of
// several budgets speak for the whole pool. go-github remembers the last
// announced quota and refuses requests itself, without sending them, while
// it is 0: one credential running dry must not stop the others. So an
// answer carries the pool's totals, and an exhausted quota (a limit
// answer no other credential could take over) the time the first
// credential is ready again as its reset.
func (p *Pool) present(h http.Header, resource string, limited bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.budgets) < 2 {
		return
	}
	hlim, _, _, ok := rateHeaders(h)
	if !ok {
		return
	}
	now := p.now()
	epoch := func(t time.Time) string { return strconv.FormatInt(t.Add(time.Second-1).Unix(), 10) }
	if limited {
		if h.Get("X-Ratelimit-Remaining") == "0" {
			h.Set("X-Ratelimit-Reset", epoch(p.readyAgain(resource, now)))
		}
		return
	}
	res := resource
	if r := h.Get("X-Ratelimit-Resource"); r != "" {
		res = resourceName(r)
	}
	var lim, rem, used int
	for _, b := range p.budgets {
		q := b.quota(res, now)
		if !q.seen {
			lim += hlim
			rem += hlim
			continue
		}
		lim, rem, used = lim+q.limit, rem+max(q.remaining, 0), used+q.used
	}
	h.Set("X-Ratelimit-Limit", strconv.Itoa(lim))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(rem))
	h.Set("X-Ratelimit-Used", strconv.Itoa(used))
	if rem == 0 {
		h.Set("X-Ratelimit-Reset", epoch(p.readyAgain(res, now)))
	}
}

// deferred reports a request not sent.
func (p *Pool) deferred(resource string) {
	if p.pobs != nil {
		p.pobs.Deferred(resource)
	}
}

// resourceOf guesses a request's rate-limit resource from its path; the
// answer's x-ratelimit-resource header has the last word.
func resourceOf(path string) string {
	switch {
	case path == "/graphql" || strings.HasSuffix(path, "/api/graphql") || strings.HasSuffix(path, "/graphql"):
		return "graphql"
	case strings.Contains(path, "/search/"):
		return "search"
	}
	return "core"
}

// servedKey carries a *servedBy through a request's context, so GraphQL
// can tell the pool which budget a RATE_LIMITED answer came from.
type servedKey struct{}

type servedBy struct {
	mu sync.Mutex
	b  *budget
}

func (s *servedBy) set(b *budget) {
	s.mu.Lock()
	s.b = b
	s.mu.Unlock()
}

func (s *servedBy) get() *budget {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b
}
