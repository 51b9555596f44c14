package collectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
)

const (
	// transientAttempts bounds tries of 5xx answers, network errors and
	// unreadable bodies; the next scheduled run picks up whatever still
	// fails.
	transientAttempts = 4
	// secondaryAttempts bounds retries after GitHub's secondary limits.
	secondaryAttempts = 5
	// backoffBase and backoffCap shape the transient backoff: the n-th
	// wait is drawn uniformly from [0, min(cap, base·2^n)) ("full jitter",
	// which spreads the retries of concurrent workers best; see the AWS
	// architecture blog, "Exponential Backoff And Jitter", 2015).
	backoffBase = time.Second
	backoffCap  = 30 * time.Second
	// secondaryWait is the first wait after a secondary limit announced
	// without Retry-After: GitHub asks for at least a minute, then
	// exponentially more, up to secondaryCap.
	secondaryWait = time.Minute
	secondaryCap  = 16 * time.Minute
)

// failureKind is what a failed request calls for.
type failureKind int

const (
	permanent failureKind = iota // give up: the answer will not change (404, 422, ...)
	transient                    // retry soon with backoff: 5xx, network, unreadable body
	primary                      // wait for the announced reset if near; not an attempt
	secondary                    // wait Retry-After (or a minute and more)
	deferred                     // the budget is spent: give up now, the next run will do it
)

// failure is a classified error.
type failure struct {
	kind       failureKind
	reset      time.Time     // primary: when the window resets
	retryAfter time.Duration // secondary: as announced; 0 when not
	// local marks a refusal go-github made from what it remembers of an
	// earlier limit, without sending a request: waiting it out is not a
	// retry of ours.
	local bool
}

// retrier carries one request's retry state: what it has tried, its
// backoff, and where to log.
type retrier struct {
	env                  *Env
	what                 string
	transient, secondary int
}

// next returns how long to wait before trying again, or false to give up
// with the error to return.
func (r *retrier) next(f failure, err error) (time.Duration, bool, error) {
	switch f.kind {
	case primary:
		wait := max(time.Until(f.reset)+time.Second, time.Second)
		if limit := ghclient.MaxWait(r.env.GH); wait > limit {
			// Every credential is spent until a reset too far away to
			// hold the run for: the rest of the run is left for the
			// next one, as the client's pool does (ghclient.ErrBudgetReserved).
			r.env.Log.Debug("GitHub rate limit exhausted; leaving the request for the next run",
				"request", r.what, "reset", f.reset.UTC().Format(time.RFC3339))
			return 0, false, fmt.Errorf("%w: exhausted until %s, not waiting %s: %w", ghclient.ErrBudgetReserved,
				f.reset.UTC().Format(time.RFC3339), wait.Round(time.Second), err)
		}
		if !f.local {
			r.env.Log.Warn("GitHub rate limit exhausted; pausing collection until it resets",
				"request", r.what, "reset", f.reset.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second).String())
		}
		return wait, true, nil
	case secondary:
		if f.local {
			return max(f.retryAfter, 10*time.Millisecond), true, nil
		}
		r.secondary++
		if r.secondary > secondaryAttempts {
			return 0, false, err
		}
		wait := f.retryAfter
		if wait <= 0 {
			wait = min(secondaryWait<<(r.secondary-1), secondaryCap)
			wait += rand.N(wait / 4) // still spread concurrent workers
		}
		r.env.Log.Warn("GitHub secondary rate limit; backing off", "request", r.what, "wait", wait.String())
		return wait, true, nil
	case transient:
		r.transient++
		if r.transient >= transientAttempts {
			return 0, false, err
		}
		ceil := min(backoffBase<<(r.transient-1), backoffCap)
		wait := rand.N(ceil)
		r.env.Log.Debug("transient GitHub error; retrying", "request", r.what, "attempt", r.transient, "wait", wait.String(), "err", err)
		return wait, true, nil
	case deferred:
		r.env.Log.Debug("GitHub rate limit budget reserved; leaving the request for the next run", "request", r.what, "err", err)
	}
	return 0, false, err
}

// wait sleeps d before the next try, unless that would pass ctx's
// deadline: then it gives up at once with cause, rather than sleep into a
// cancellation.
func (r *retrier) wait(ctx context.Context, d time.Duration, cause error) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return fmt.Errorf("%w (not retrying: waiting %s would pass the deadline)", cause, d.Round(time.Millisecond))
	}
	return r.env.sleep(ctx, d)
}

// call runs one go-github request and handles what every request must:
// a primary rate limit pauses until GitHub's announced reset when that is
// at most ghclient.MaxWait away (it is not an error: the run continues
// afterwards), a secondary limit waits Retry-After, and transient
// failures — 5xx, network errors, timeouts, a body that is cut short or
// is not JSON — retry with jittered exponential backoff. A spent budget
// (every credential at its reserve, or exhausted until a reset further
// away) fails at once with an error wrapping ghclient.ErrBudgetReserved:
// the caller leaves the repository for the next run rather than hold the
// run for up to an hour. Nothing is stored from a failed try: go-github
// returns no value when the body does not decode. A 304 is a success; the
// caller checks ghclient.NotModified.
func call[T any](ctx context.Context, env *Env, what string, f func(context.Context) (T, *github.Response, error)) (T, *github.Response, error) {
	r := &retrier{env: env, what: what}
	for {
		v, resp, err := f(ctx)
		if err == nil || ghclient.NotModified(resp) {
			return v, resp, nil
		}
		if ctx.Err() != nil {
			return v, resp, ctx.Err()
		}
		d, retry, gerr := r.next(classifyREST(resp, err), err)
		if !retry {
			return v, resp, gerr
		}
		if werr := r.wait(ctx, d, err); werr != nil {
			return v, resp, werr
		}
	}
}

func classifyREST(resp *github.Response, err error) failure {
	var (
		rle *github.RateLimitError
		are *github.AbuseRateLimitError
	)
	status := statusOf(resp)
	switch {
	case errors.Is(err, ghclient.ErrBudgetReserved):
		return failure{kind: deferred}
	case errors.Is(err, ghclient.ErrCredentialRejected):
		return failure{kind: permanent}
	case errors.As(err, &rle):
		return failure{kind: primary, reset: rle.Rate.Reset.Time, local: synthesized(resp)}
	case errors.As(err, &are):
		f := failure{kind: secondary, local: synthesized(resp)}
		if are.RetryAfter != nil {
			f.retryAfter = *are.RetryAfter
		}
		return f
	case (status == http.StatusForbidden || status == http.StatusTooManyRequests) && resp.Header.Get("X-RateLimit-Remaining") == "0":
		// A primary limit answered 429, which go-github does not classify.
		reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		return failure{kind: primary, reset: time.Unix(reset, 0)}
	case status == http.StatusTooManyRequests || (status == http.StatusForbidden && resp.Header.Get("Retry-After") != ""):
		return failure{kind: secondary, retryAfter: retryAfter(resp.Header)}
	case status >= 500:
		return failure{kind: transient}
	}
	var ae *github.AcceptedError // 202: GitHub is still computing; try again
	if errors.As(err, &ae) || transientErr(err) {
		return failure{kind: transient}
	}
	return failure{kind: permanent}
}

// transientErr reports network failures (resets, timeouts, connections
// closed mid-answer) and bodies that are cut short or are not JSON: all
// worth another try, none worth storing.
func transientErr(err error) bool {
	if errors.Is(err, ghclient.ErrRedirectRefused) {
		return false
	}
	var (
		ne  net.Error
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &se) || errors.As(err, &ute)
}

// synthesized reports a response go-github made up itself, without asking
// GitHub (a limit it remembers): real answers always carry headers.
func synthesized(resp *github.Response) bool {
	return resp != nil && resp.Response != nil && len(resp.Header) == 0
}

func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// statusOf returns the HTTP status of a go-github response, or 0.
func statusOf(resp *github.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}

// callGraphQL is call() for GraphQL: an exhausted point budget pauses until
// GitHub's reset when it is near (the run then goes on) and is left for the
// next run otherwise, secondary limits wait Retry-After, 5xx, network
// errors and unreadable bodies retry with jittered backoff.
func callGraphQL(ctx context.Context, env *Env, what string, f func(context.Context) ([]ghclient.GraphQLError, error)) ([]ghclient.GraphQLError, error) {
	r := &retrier{env: env, what: what}
	for {
		gerrs, err := f(ctx)
		if err == nil {
			return gerrs, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d, retry, gerr := r.next(classifyGraphQL(err), err)
		if !retry {
			return gerrs, gerr
		}
		if werr := r.wait(ctx, d, err); werr != nil {
			return nil, werr
		}
	}
}

func classifyGraphQL(err error) failure {
	var (
		rle *ghclient.GraphQLRateLimitError
		se  *ghclient.GraphQLStatusError
	)
	switch {
	case errors.Is(err, ghclient.ErrBudgetReserved):
		return failure{kind: deferred}
	case errors.Is(err, ghclient.ErrCredentialRejected):
		return failure{kind: permanent}
	case errors.As(err, &rle):
		return failure{kind: primary, reset: rle.Reset}
	case errors.As(err, &se) && (se.Status == http.StatusForbidden || se.Status == http.StatusTooManyRequests):
		return failure{kind: secondary, retryAfter: se.RetryAfter}
	case errors.As(err, &se) && se.Status >= 500:
		return failure{kind: transient}
	case transientErr(err):
		return failure{kind: transient}
	}
	return failure{kind: permanent}
}
