package ghclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"
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
	failPermanent failureKind = iota // give up: the answer will not change (404, 422, ...)
	failTransient                    // retry soon with backoff: 5xx, network, unreadable body
	failPrimary                      // wait for the announced reset if near; not an attempt
	failSecondary                    // wait Retry-After (or a minute and more)
	failDeferred                     // the budget is spent: give up now, the next run will do it
)

// failure is a classified error.
type failure struct {
	kind       failureKind
	reset      time.Time     // failPrimary: when the window resets
	retryAfter time.Duration // failSecondary: as announced; 0 when not
	// local marks a refusal go-github made from what it remembers of an
	// earlier limit, without sending a request: waiting it out is not a
	// retry of ours.
	local bool
}

// retrier carries one request's retry state: what it has tried, its
// backoff, and where to log.
type retrier struct {
	c                      *Client
	what                   string
	nTransient, nSecondary int
}

// next returns how long to wait before trying again, or false to give up
// with the error to return.
func (r *retrier) next(f failure, err error) (time.Duration, bool, error) {
	switch f.kind {
	case failPrimary:
		wait := max(time.Until(f.reset)+time.Second, time.Second)
		if limit := r.c.MaxWait(); wait > limit {
			// Every credential is spent until a reset too far away to
			// hold the run for: the rest of the run is left for the
			// next one, as the client's pool does (ErrBudgetReserved).
			r.c.log.Debug("GitHub rate limit exhausted; leaving the request for the next run",
				"request", r.what, "reset", f.reset.UTC().Format(time.RFC3339))
			return 0, false, fmt.Errorf("%w: exhausted until %s, not waiting %s: %w", ErrBudgetReserved,
				f.reset.UTC().Format(time.RFC3339), wait.Round(time.Second), err)
		}
		if !f.local {
			r.c.log.Warn("GitHub rate limit exhausted; pausing collection until it resets",
				"request", r.what, "reset", f.reset.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second).String())
		}
		return wait, true, nil
	case failSecondary:
		if f.local {
			return max(f.retryAfter, 10*time.Millisecond), true, nil
		}
		r.nSecondary++
		if r.nSecondary > secondaryAttempts {
			return 0, false, err
		}
		wait := f.retryAfter
		if wait <= 0 {
			wait = min(secondaryWait<<(r.nSecondary-1), secondaryCap)
			wait += rand.N(wait / 4) // still spread concurrent workers
		}
		r.c.log.Warn("GitHub secondary rate limit; backing off", "request", r.what, "wait", wait.String())
		return wait, true, nil
	case failTransient:
		r.nTransient++
		if r.nTransient >= transientAttempts {
			return 0, false, err
		}
		ceil := min(backoffBase<<(r.nTransient-1), backoffCap)
		wait := rand.N(ceil)
		r.c.log.Debug("transient GitHub error; retrying", "request", r.what, "attempt", r.nTransient, "wait", wait.String(), "err", err)
		return wait, true, nil
	case failDeferred:
		r.c.log.Debug("GitHub rate limit budget reserved; leaving the request for the next run", "request", r.what, "err", err)
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
	return r.c.backoff(ctx, d)
}

// Call runs one go-github request and handles what every request must:
// a primary rate limit pauses until GitHub's announced reset when that is
// at most MaxWait away (it is not an error: the run continues
// afterwards), a secondary limit waits Retry-After, and failTransient
// failures — 5xx, network errors, timeouts, a body that is cut short or
// is not JSON — retry with jittered exponential backoff. A spent budget
// (every credential at its reserve, or exhausted until a reset further
// away) fails at once with an error wrapping ErrBudgetReserved: the
// caller leaves the repository for the next run rather than hold the run
// for up to an hour. Nothing is stored from a failed try: go-github
// returns no value when the body does not decode. With req.ETag the GET
// is conditional, and a 304 is a success: the caller checks NotModified.
func Call[T any](ctx context.Context, c *Client, req Req, f func(context.Context) (T, *github.Response, error)) (T, *github.Response, error) {
	r := &retrier{c: c, what: req.What}
	ctx = withETag(ctx, req.ETag)
	for {
		v, resp, err := f(ctx)
		if err == nil || NotModified(resp) {
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

// Req describes one request to Call.
type Req struct {
	// What names it in logs ("repo", "user orgs").
	What string
	// ETag, when not empty, makes the GET conditional: GitHub answers 304
	// without a body, and without spending quota, when nothing changed.
	ETag string
}

func classifyREST(resp *github.Response, err error) failure {
	var (
		rle *github.RateLimitError
		are *github.AbuseRateLimitError
	)
	status := StatusOf(resp)
	switch {
	case errors.Is(err, ErrBudgetReserved):
		return failure{kind: failDeferred}
	case errors.Is(err, ErrCredentialRejected):
		return failure{kind: failPermanent}
	case errors.As(err, &rle):
		return failure{kind: failPrimary, reset: rle.Rate.Reset.Time, local: synthesized(resp)}
	case errors.As(err, &are):
		f := failure{kind: failSecondary, local: synthesized(resp)}
		if are.RetryAfter != nil {
			f.retryAfter = *are.RetryAfter
		}
		return f
	case (status == http.StatusForbidden || status == http.StatusTooManyRequests) && resp.Header.Get("X-RateLimit-Remaining") == "0":
		// A primary limit answered 429, which go-github does not classify.
		reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		return failure{kind: failPrimary, reset: time.Unix(reset, 0)}
	case status == http.StatusTooManyRequests || (status == http.StatusForbidden && resp.Header.Get("Retry-After") != ""):
		return failure{kind: failSecondary, retryAfter: retryAfterSeconds(resp.Header)}
	case status >= 500:
		return failure{kind: failTransient}
	}
	var ae *github.AcceptedError // 202: GitHub is still computing; try again
	if errors.As(err, &ae) || transientErr(err) {
		return failure{kind: failTransient}
	}
	return failure{kind: failPermanent}
}

// transientErr reports network failures (resets, timeouts, connections
// closed mid-answer) and bodies that are cut short or are not JSON: all
// worth another try, none worth storing.
func transientErr(err error) bool {
	if errors.Is(err, ErrRedirectRefused) {
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

// StatusOf returns the HTTP status of a go-github response, or 0.
func StatusOf(resp *github.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}

// Query sends one GraphQL query through Do with what Call does for REST:
// an exhausted point budget pauses until GitHub's reset when it is near
// (the run then goes on) and is left for the next run otherwise, failSecondary
// limits wait Retry-After, 5xx, network errors and unreadable bodies retry
// with jittered backoff. data is reset before every try.
func (c *Client) Query(ctx context.Context, what, query string, vars map[string]any, data any) ([]GraphQLError, error) {
	r := &retrier{c: c, what: what}
	for {
		// A failed try may have filled part of data: start each afresh.
		if v := reflect.ValueOf(data); v.Kind() == reflect.Pointer && !v.IsNil() {
			v.Elem().SetZero()
		}
		gerrs, err := c.gql.Do(ctx, query, vars, data)
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
		rle *GraphQLRateLimitError
		se  *GraphQLStatusError
	)
	switch {
	case errors.Is(err, ErrBudgetReserved):
		return failure{kind: failDeferred}
	case errors.Is(err, ErrCredentialRejected):
		return failure{kind: failPermanent}
	case errors.As(err, &rle):
		return failure{kind: failPrimary, reset: rle.Reset}
	case errors.As(err, &se) && (se.Status == http.StatusForbidden || se.Status == http.StatusTooManyRequests):
		return failure{kind: failSecondary, retryAfter: se.RetryAfter}
	case errors.As(err, &se) && se.Status >= 500:
		return failure{kind: failTransient}
	case transientErr(err):
		return failure{kind: failTransient}
	}
	return failure{kind: failPermanent}
}

// retryAfterSeconds is Retry-After as the retries read it (0 when absent).
func retryAfterSeconds(h http.Header) time.Duration {
	d, _ := retryAfterOf(h)
	return d
}

// Retry runs f, a transfer outside the API (a git fetch over the same
// network), and tries again after the jittered backoff Call uses for a
// transient failure, as many times: one policy for every way fundwatch
// reaches GitHub.
func (c *Client) Retry(ctx context.Context, what string, f func(context.Context) error) error {
	r := &retrier{c: c, what: what}
	for {
		err := f(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		d, retry, gerr := r.next(failure{kind: failTransient}, err)
		if !retry {
			return gerr
		}
		if werr := r.wait(ctx, d, err); werr != nil {
			return werr
		}
	}
}
