package githubfake

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind names one way a request can go wrong. Each imitates what
// api.github.com (or the network in front of it) really does.
type FaultKind string

// Fault kinds.
const (
	// Fault500, Fault502 and Fault503 answer with that server error and
	// GitHub's JSON error body; nothing is charged.
	Fault500 FaultKind = "500"
	Fault502 FaultKind = "502"
	Fault503 FaultKind = "503"
	// FaultSecondary403 and FaultSecondary429 are GitHub's secondary rate
	// limit: the documented message and documentation URL, Retry-After in
	// seconds (Fault.RetryAfter), and x-ratelimit-remaining left as it is.
	FaultSecondary403 FaultKind = "secondary403"
	FaultSecondary429 FaultKind = "secondary429"
	// FaultPrimary403 and FaultPrimary429 say the primary limit is
	// exhausted: x-ratelimit-remaining 0 and x-ratelimit-reset
	// Fault.Reset from now. On /graphql the answer is GitHub's 200 with a
	// RATE_LIMITED error instead.
	FaultPrimary403 FaultKind = "primary403"
	FaultPrimary429 FaultKind = "primary429"
	// FaultSlow answers normally, but only after Fault.Delay: past any
	// sensible client timeout. The handler gives up when the client does.
	FaultSlow FaultKind = "slow"
	// FaultReset drops the connection before any answer (a TCP reset).
	FaultReset FaultKind = "reset"
	// FaultAbort sends the headers and part of the body, then drops the
	// connection: the client sees an unexpected EOF in the middle of it.
	FaultAbort FaultKind = "abort"
	// FaultTruncate answers 200 with the body cut short (and framed to
	// that length, as a broken proxy would): the JSON does not parse.
	FaultTruncate FaultKind = "truncate"
	// FaultMalformed answers 200 with an HTML error page instead of JSON
	// (GitHub's "unicorn" page, served with the JSON content type).
	FaultMalformed FaultKind = "malformed"
	// FaultShift makes a list change under its reader: before a page
	// beyond the first is served, Fault.Shift items are inserted at the
	// head of the list, so the page starts that many items earlier (the
	// reader sees items again, never misses any). Insertions accumulate
	// for the rest of that reading; a new page 1 starts a new reading.
	// The inserted items themselves are never shown: they are what the
	// next sync would pick up.
	FaultShift FaultKind = "shift"
)

// FaultKinds lists every kind, in documentation order.
var FaultKinds = []FaultKind{Fault500, Fault502, Fault503, FaultSecondary403, FaultSecondary429,
	FaultPrimary403, FaultPrimary429, FaultSlow, FaultReset, FaultAbort, FaultTruncate, FaultMalformed, FaultShift}

// Fault injects one kind of failure into a share of the requests to some
// routes.
type Fault struct {
	// Route selects requests by templated route ("/repos/{owner}/{repo}/commits",
	// GraphQLRoute) or by concrete path ("/repos/acme/widget/commits"); it
	// may use path.Match wildcards ("/repos/{owner}/{repo}/*"). "" or "*"
	// selects every request.
	Route string
	// Rate is the probability that a selected request is faulted, 0..1.
	Rate float64
	Kind FaultKind
	// Delay is how long FaultSlow waits before answering; default 35s
	// (past the clients' 30s default timeout).
	Delay time.Duration
	// RetryAfter is the Retry-After of a secondary limit; default 1s. A
	// negative value leaves the header out, which GitHub also does.
	RetryAfter time.Duration
	// Reset is how far ahead an injected primary exhaustion resets;
	// default 1s.
	Reset time.Duration
	// Shift is how many items FaultShift inserts each time; default 5.
	Shift int
}

func (f Fault) String() string {
	var b strings.Builder
	b.WriteString(string(f.Kind))
	switch {
	case f.Kind == FaultSlow && f.Delay != 0:
		fmt.Fprintf(&b, "(%s)", f.Delay)
	case (f.Kind == FaultSecondary403 || f.Kind == FaultSecondary429) && f.RetryAfter < 0:
		b.WriteString("(none)")
	case (f.Kind == FaultSecondary403 || f.Kind == FaultSecondary429) && f.RetryAfter != 0:
		fmt.Fprintf(&b, "(%s)", f.RetryAfter)
	case (f.Kind == FaultPrimary403 || f.Kind == FaultPrimary429) && f.Reset != 0:
		fmt.Fprintf(&b, "(%s)", f.Reset)
	case f.Kind == FaultShift && f.Shift != 0:
		fmt.Fprintf(&b, "(%d)", f.Shift)
	}
	if f.Route != "" && f.Route != "*" {
		b.WriteString("@" + f.Route)
	}
	fmt.Fprintf(&b, "=%g", f.Rate)
	return b.String()
}

// ParseFaults reads a fault list written for tests and the command line:
// items separated by commas or spaces, each
//
//	kind[(arg)][@route][=rate]
//
// kind is a FaultKind; arg is the Delay of slow, the RetryAfter of
// secondary403/429 ("none" leaves the header out), the Reset of
// primary403/429 (durations, "1s") and the Shift of shift (a count); route
// defaults to every route and rate to 1. For example
//
//	502=0.05, secondary429(2s)@/repos/{owner}/{repo}/issues=0.01, slow(3s)=0.01
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	for _, item := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		f, err := parseFault(item)
		if err != nil {
			return nil, fmt.Errorf("fault %q: %w", item, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func parseFault(item string) (Fault, error) {
	f := Fault{Rate: 1}
	if head, rate, ok := strings.Cut(item, "="); ok {
		r, err := strconv.ParseFloat(rate, 64)
		if err != nil || r < 0 || r > 1 {
			return f, fmt.Errorf("rate %q is not a probability between 0 and 1", rate)
		}
		f.Rate, item = r, head
	}
	if head, route, ok := strings.Cut(item, "@"); ok {
		if !strings.HasPrefix(route, "/") && route != "*" {
			return f, fmt.Errorf("route %q does not start with /", route)
		}
		if _, err := path.Match(route, ""); err != nil {
			return f, fmt.Errorf("route %q: %w", route, err)
		}
		f.Route, item = route, head
	}
	var arg string
	if i := strings.IndexByte(item, '('); i >= 0 {
		if !strings.HasSuffix(item, ")") {
			return f, errors.New("unclosed (")
		}
		item, arg = item[:i], item[i+1:len(item)-1]
	}
	f.Kind = FaultKind(item)
	known := false
	for _, k := range FaultKinds {
		known = known || k == f.Kind
	}
	if !known {
		return f, fmt.Errorf("unknown kind %q (want one of %v)", item, FaultKinds)
	}
	if arg == "" {
		return f, nil
	}
	dur := func() (time.Duration, error) {
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("argument %q is not a duration", arg)
		}
		return d, nil
	}
	var err error
	switch f.Kind {
	case FaultSlow:
		f.Delay, err = dur()
	case FaultSecondary403, FaultSecondary429:
		if arg == "none" {
			f.RetryAfter = -1
		} else {
			f.RetryAfter, err = dur()
		}
	case FaultPrimary403, FaultPrimary429:
		f.Reset, err = dur()
	case FaultShift:
		f.Shift, err = strconv.Atoi(arg)
		if err != nil || f.Shift <= 0 {
			err = fmt.Errorf("argument %q is not a positive count", arg)
		}
	default:
		err = fmt.Errorf("%s takes no argument", f.Kind)
	}
	return f, err
}

// MustParseFaults is ParseFaults for fixed specs in tests; it panics on error.
func MustParseFaults(spec string) []Fault {
	fs, err := ParseFaults(spec)
	if err != nil {
		panic(err)
	}
	return fs
}

// FaultCount is how many faults of one kind were injected.
type FaultCount struct {
	Kind  FaultKind
	Count int
}

// faults holds the configured faults, the seeded generator that decides
// which requests they hit, and what was injected.
type faults struct {
	mu       sync.Mutex
	list     []Fault
	rng      *rand.Rand
	injected map[FaultKind]int
	// shifts holds, per reading of a list (caller, path and query without
	// page), how many items have been inserted at its head so far.
	shifts map[string]int
}

func newFaults(list []Fault, seed uint64) *faults {
	return &faults{list: list, rng: rand.New(rand.NewPCG(seed, 0x66756e6477617463)), injected: map[FaultKind]int{}, shifts: map[string]int{}}
}

func (f Fault) matches(route, urlPath string) bool {
	if f.Route == "" || f.Route == "*" {
		return true
	}
	if ok, _ := path.Match(f.Route, route); ok {
		return true
	}
	ok, _ := path.Match(f.Route, urlPath)
	return ok
}

// pick draws, for each fault selecting the request in order, whether it
// strikes; the first that does is returned. applicable filters out kinds
// that cannot apply to this request (a shift on page 1).
func (fs *faults) pick(route, urlPath string, applicable func(FaultKind) bool) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.list {
		f := &fs.list[i]
		if f.Rate <= 0 || !f.matches(route, urlPath) || !applicable(f.Kind) {
			continue
		}
		if f.Rate >= 1 || fs.rng.Float64() < f.Rate {
			c := *f
			return &c
		}
	}
	return nil
}

func (fs *faults) count(k FaultKind) {
	fs.mu.Lock()
	fs.injected[k]++
	fs.mu.Unlock()
}

// intn draws from the seeded generator, for where a body is cut.
func (fs *faults) intn(n int) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.rng.IntN(n)
}

// shiftFor returns the accumulated insertions of a reading; add > 0 inserts
// more, reset starts a new reading.
func (fs *faults) shiftFor(key string, add int, reset bool) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if reset {
		delete(fs.shifts, key)
		return 0
	}
	fs.shifts[key] += add
	if fs.shifts[key] == 0 {
		delete(fs.shifts, key)
	}
	return fs.shifts[key]
}

// SetFaults replaces the injected faults (nil stops injecting); the
// generator keeps its state, so a run stays reproducible.
func (s *Server) SetFaults(list []Fault) {
	s.faults.mu.Lock()
	s.faults.list = append([]Fault(nil), list...)
	s.faults.mu.Unlock()
}

// Faults returns how many faults of each kind were injected so far, in
// FaultKinds order, kinds never injected left out.
func (s *Server) Faults() []FaultCount {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	var out []FaultCount
	for _, k := range FaultKinds {
		if n := s.faults.injected[k]; n > 0 {
			out = append(out, FaultCount{k, n})
		}
	}
	return out
}

// FaultsInjected is the total of Faults.
func (s *Server) FaultsInjected() int {
	n := 0
	for _, fc := range s.Faults() {
		n += fc.Count
	}
	return n
}

const (
	secondaryLimitDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	primaryLimitDocs   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"
	defaultSlowDelay   = 35 * time.Second
)

// unicornPage is what GitHub serves when its frontends give up; here it
// comes with status 200 and the JSON content type, as a broken proxy would.
const unicornPage = `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Unicorn! &middot; GitHub</title></head>
<body><p><strong>We had issues producing the response to your request.</strong></p>
<p>Sorry about that. Please try refreshing and contact us if the problem persists.</p></body></html>
`

// faultResponse is the answer of a fault that replaces the handler, with
// the headers it adds; nil for kinds that alter a normal answer.
func (s *Server) faultResponse(f *Fault, r *http.Request, graphql bool, requestID string) (*response, http.Header) {
	h := http.Header{}
	switch f.Kind {
	case Fault500:
		return errorResponse(http.StatusInternalServerError, "Server Error", docsURL), h
	case Fault502:
		return errorResponse(http.StatusBadGateway, "Server Error", docsURL), h
	case Fault503:
		return errorResponse(http.StatusServiceUnavailable, "Service Unavailable", docsURL), h
	case FaultSecondary403, FaultSecondary429:
		status := http.StatusForbidden
		if f.Kind == FaultSecondary429 {
			status = http.StatusTooManyRequests
		}
		ra := f.RetryAfter
		if ra == 0 {
			ra = time.Second
		}
		if ra > 0 {
			h.Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		}
		// GitHub's wording, request id included.
		msg := "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
			"If you reach out to GitHub Support for help, please include the request ID " + requestID + "."
		return errorResponse(status, msg, secondaryLimitDocs), h
	case FaultPrimary403, FaultPrimary429:
		reset := f.Reset
		if reset <= 0 {
			reset = time.Second
		}
		lim := s.limiter
		if graphql {
			lim = s.gql
		}
		st := lim.peek(callerOf(r))
		st.used, st.remaining = st.limit, 0
		st.reset = s.limiter.opts.Now().Add(reset + time.Second - 1).Unix()
		res := "core"
		if graphql {
			res = "graphql"
		}
		setRateHeaders(h, st, res)
		if graphql {
			return &response{status: http.StatusOK, body: errorsBody(obj{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
				"message": "API rate limit already exceeded for user ID 1."})}, h
		}
		status := http.StatusForbidden
		if f.Kind == FaultPrimary429 {
			status = http.StatusTooManyRequests
		}
		body := rateLimitExceededBody(callerOf(r))
		body["documentation_url"] = primaryLimitDocs
		return jsonResponse(status, body), h
	}
	return nil, nil
}

// beforeServing applies the faults that act before the handler runs. done
// means the request was fully handled (connection dropped, or the client
// gave up on a slow answer) and was counted.
func (s *Server) beforeServing(w http.ResponseWriter, r *http.Request, f *Fault, route string) (done bool) {
	switch f.Kind {
	case FaultReset:
		s.faults.count(f.Kind)
		s.counts.add(route, 0)
		dropConnection(w)
		return true
	case FaultSlow:
		s.faults.count(f.Kind)
		d := f.Delay
		if d <= 0 {
			d = defaultSlowDelay
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			s.counts.add(route, 0)
			return true
		}
	}
	return false
}

// dropConnection closes the client's connection without an answer, with
// SO_LINGER 0 so the peer sees a reset rather than an orderly close.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// mangleBody applies the faults that corrupt a 200 answer's body; ok is
// false when the kind does not apply to this answer (nothing to corrupt).
func (s *Server) mangleBody(f *Fault, status int, body []byte) (out []byte, abort bool, ok bool) {
	if status != http.StatusOK || len(body) < 2 {
		return body, false, false
	}
	switch f.Kind {
	case FaultTruncate:
		// Cut inside the document, never at 0 (an empty body would read
		// as "no content") and never at its end.
		return body[:1+s.faults.intn(len(body)-1)], false, true
	case FaultMalformed:
		return []byte(unicornPage), false, true
	case FaultAbort:
		return body[:1+s.faults.intn(len(body)-1)], true, true
	}
	return body, false, false
}

// shiftKey identifies one reading of a list: the caller and the request
// without its page parameter.
func shiftKey(r *http.Request) string {
	q := r.URL.Query()
	q.Del("page")
	return callerOf(r).key + " " + r.URL.Path + "?" + q.Encode()
}

func pageOf(r *http.Request) int {
	p, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || p < 1 {
		return 1
	}
	return p
}

// listShift returns how many items have been inserted at the head of the
// list r reads, inserting more when f is a shift fault.
func (s *Server) listShift(r *http.Request, f *Fault) int {
	key := shiftKey(r)
	if pageOf(r) == 1 {
		return s.faults.shiftFor(key, 0, true)
	}
	add := 0
	if f != nil && f.Kind == FaultShift {
		add = f.Shift
		if add <= 0 {
			add = 5
		}
		s.faults.count(FaultShift)
	}
	return s.faults.shiftFor(key, add, false)
}
