package collectors

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
)

const (
	// transientAttempts bounds retries of 5xx answers and network errors;
	// the next scheduled run picks up whatever still fails.
	transientAttempts = 4
	// secondaryAttempts bounds retries after GitHub's secondary limits.
	secondaryAttempts = 5
)

// call runs one go-github request and handles what every request must:
// a primary rate limit pauses until GitHub's announced reset (it is not an
// error: the run continues afterwards), a secondary limit waits Retry-After,
// transient failures retry with jittered exponential backoff. A 304 is a
// success; the caller checks ghclient.NotModified.
func call[T any](ctx context.Context, env *Env, what string, f func(context.Context) (T, *github.Response, error)) (T, *github.Response, error) {
	var (
		transient, secondary int
		backoff              = time.Second
	)
	for {
		v, resp, err := f(ctx)
		if err == nil || ghclient.NotModified(resp) {
			return v, resp, nil
		}
		if ctx.Err() != nil {
			return v, resp, ctx.Err()
		}
		var (
			rle  *github.RateLimitError
			are  *github.AbuseRateLimitError
			wait time.Duration
		)
		switch {
		case errors.As(err, &rle):
			wait = time.Until(rle.Rate.Reset.Time) + time.Second
			if wait < time.Second {
				wait = time.Second
			}
			env.Log.Warn("GitHub rate limit exhausted; pausing collection until it resets",
				"request", what, "reset", rle.Rate.Reset.Time.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second).String())
		case errors.As(err, &are) || isExhausted429(resp):
			secondary++
			if secondary > secondaryAttempts {
				return v, resp, err
			}
			wait = time.Minute
			if are != nil && are.RetryAfter != nil {
				wait = *are.RetryAfter
			} else if ra := retryAfter(resp); ra > 0 {
				wait = ra
			}
			env.Log.Warn("GitHub secondary rate limit; backing off", "request", what, "wait", wait.String())
		case isTransient(resp, err):
			transient++
			if transient >= transientAttempts {
				return v, resp, err
			}
			wait = backoff/2 + rand.N(backoff/2+1) // jitter spreads retries of concurrent workers
			backoff *= 2
			env.Log.Debug("transient GitHub error; retrying", "request", what, "attempt", transient, "err", err)
		default:
			return v, resp, err
		}
		if err := env.sleep(ctx, wait); err != nil {
			return v, resp, err
		}
	}
}

// isExhausted429 covers primary limits reported as 429, which go-github
// does not classify.
func isExhausted429(resp *github.Response) bool {
	return resp != nil && resp.Response != nil && resp.StatusCode == http.StatusTooManyRequests
}

func retryAfter(resp *github.Response) time.Duration {
	if resp == nil || resp.Response == nil {
		return 0
	}
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

func isTransient(resp *github.Response, err error) bool {
	if resp != nil && resp.Response != nil && resp.StatusCode >= 500 {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ae *github.AcceptedError // 202: GitHub is still computing; try again
	return errors.As(err, &ae)
}

// statusOf returns the HTTP status of a go-github response, or 0.
func statusOf(resp *github.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}
