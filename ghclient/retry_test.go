package ghclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// scripted answers GET /repos/o/r with one scripted answer per request,
// then 200 with a repository.
type scripted struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	served  int
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.served
	s.served++
	s.mu.Unlock()
	if i < len(s.answers) {
		s.answers[i](w)
		return
	}
	// Rate headers only here: go-github falls back on x-ratelimit-reset
	// when a secondary limit has no Retry-After, and would then refuse
	// requests itself until then.
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4000")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"id": 1, "full_name": "o/r"}`)
}

func status(code int, hdr ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		switch {
		case code == http.StatusForbidden && w.Header().Get("X-RateLimit-Remaining") != "0":
			fmt.Fprint(w, `{"message": "You have exceeded a secondary rate limit.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
		default:
			fmt.Fprintf(w, `{"message": %q}`, http.StatusText(code))
		}
	}
}

func body(s string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { fmt.Fprint(w, s) }
}

// callEnv makes a client of a scripted server that records the waits
// Call asked for (sleeping at most a few milliseconds of each).
func callEnv(t *testing.T, answers ...func(w http.ResponseWriter)) (*Client, *scripted, *[]time.Duration) {
	t.Helper()
	sc := &scripted{answers: answers}
	srv := httptest.NewServer(sc)
	t.Cleanup(srv.Close)
	var (
		mu    sync.Mutex
		waits []time.Duration
	)
	c, err := New(Options{BaseURL: srv.URL, Token: "t", Backoff: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(d, 5*time.Millisecond)):
			return nil
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c, sc, &waits
}

func getRepo(ctx context.Context, c *Client) (*github.Repository, error) {
	r, _, err := Call(ctx, c, Req{What: "repo"}, func(ctx context.Context) (*github.Repository, *github.Response, error) {
		return c.Repositories.Get(ctx, "o", "r")
	})
	return r, err
}

func TestCallRetries(t *testing.T) {
	t.Parallel()
	// go-github remembers an exhausted limit and refuses requests itself
	// until the reset, in real time: keep it close.
	reset := strconv.FormatInt(time.Now().Add(2*time.Second).Unix(), 10)
	// A reset further than Client.MaxWait is not waited for.
	farReset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	tests := []struct {
		name    string
		answers []func(w http.ResponseWriter)
		ok      bool
		tries   int
		check   func(t *testing.T, waits []time.Duration)
	}{
		{"5xx, then success", []func(http.ResponseWriter){status(502), status(500), status(503)}, true, 4,
			func(t *testing.T, waits []time.Duration) {
				// Full jitter: the n-th wait is within [0, base·2^n).
				for i, w := range waits {
					if w < 0 || w >= backoffBase<<i {
						t.Errorf("wait %d = %s, want within [0, %s)", i, w, backoffBase<<i)
					}
				}
				if len(waits) != 3 {
					t.Errorf("waits %v, want 3", waits)
				}
			}},
		{"5xx gives up", []func(http.ResponseWriter){status(500), status(500), status(500), status(500), status(500)}, false, transientAttempts, nil},
		{"truncated and malformed bodies are retried", []func(http.ResponseWriter){body(`{"id": 1, "full_na`), body(`<!DOCTYPE html><html>`)}, true, 3, nil},
		{"Retry-After on 429", []func(http.ResponseWriter){status(429, "Retry-After", "7")}, true, 2,
			func(t *testing.T, waits []time.Duration) {
				if len(waits) != 1 || waits[0] != 7*time.Second {
					t.Errorf("waits %v, want [7s]", waits)
				}
			}},
		{"secondary 403 without Retry-After waits a minute, then more", []func(http.ResponseWriter){status(403), status(403)}, true, 3,
			func(t *testing.T, waits []time.Duration) {
				if len(waits) != 2 || waits[0] < time.Minute || waits[1] < 2*time.Minute {
					t.Errorf("waits %v, want ≥1m then ≥2m", waits)
				}
			}},
		{"primary limit on 429 waits for the reset", []func(http.ResponseWriter){status(429, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset)}, true, 2,
			func(t *testing.T, waits []time.Duration) {
				if len(waits) == 0 || waits[0] < time.Second || waits[0] > 4*time.Second {
					t.Errorf("waits %v, want the time to the reset, 1-3s", waits)
				}
			}},
		{"primary limit an hour away is left for the next run", []func(http.ResponseWriter){status(403, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", farReset)}, false, 1,
			func(t *testing.T, waits []time.Duration) {
				if len(waits) != 0 {
					t.Errorf("waits %v, want none", waits)
				}
			}},
		{"404 is not retried", []func(http.ResponseWriter){status(404)}, false, 1, nil},
		{"422 is not retried", []func(http.ResponseWriter){status(422)}, false, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, sc, waits := callEnv(t, tt.answers...)
			r, err := getRepo(context.Background(), env)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && r.GetFullName() != "o/r" {
				t.Errorf("got %+v", r)
			}
			if sc.served != tt.tries {
				t.Errorf("%d requests, want %d", sc.served, tt.tries)
			}
			if tt.check != nil {
				tt.check(t, *waits)
			}
		})
	}
}

// A wait that would pass the context's deadline is not started: the call
// fails at once, with the cause.
func TestCallRespectsTheDeadline(t *testing.T) {
	t.Parallel()
	env, sc, waits := callEnv(t, status(429, "Retry-After", "60"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := getRepo(ctx, env)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 429 {
		t.Errorf("the cause is lost: %v", err)
	}
	if time.Since(start) > time.Second || len(*waits) != 0 || sc.served != 1 {
		t.Errorf("took %s, waits %v, %d requests: want an immediate give-up", time.Since(start), *waits, sc.served)
	}
}

// go-github remembers a secondary limit and refuses requests itself until
// Retry-After has passed: those refusals are waited out, not counted as
// retries.
func TestCallWaitsOutRememberedLimits(t *testing.T) {
	t.Parallel()
	env, sc, _ := callEnv(t, status(403, "Retry-After", "1"))
	start := time.Now()
	if _, err := getRepo(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 900*time.Millisecond || sc.served != 2 {
		t.Errorf("took %s with %d requests; want the second request after Retry-After", time.Since(start), sc.served)
	}
}

// A spent budget fails a request at once with ErrBudgetReserved,
// whether GitHub said so (primary limit, reset far away) or the client's
// pool knew it before sending anything (every credential at its reserve).
func TestSpentBudgetIsLeftForTheNextRun(t *testing.T) {
	t.Parallel()
	far := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	atReserve := func(w http.ResponseWriter) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "100") // the default 2% reserve
		w.Header().Set("X-RateLimit-Reset", far)
		fmt.Fprint(w, `{"id": 1, "full_name": "o/r"}`)
	}
	env, sc, waits := callEnv(t, atReserve)
	if _, err := getRepo(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := getRepo(context.Background(), env)
	if !errors.Is(err, ErrBudgetReserved) || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("err = %v, want ErrBudgetReserved", err)
	}
	if sc.served != 1 || len(*waits) != 0 || time.Since(start) > time.Second {
		t.Errorf("%d requests, waits %v, %s: want the second refused without a request or a wait", sc.served, *waits, time.Since(start))
	}
	// The same for GraphQL: its point budget spent for an hour.
	spent := &GraphQLRateLimitError{Reset: time.Now().Add(time.Hour)}
	r := &retrier{c: env, what: "q"}
	_, retry, gerr := r.next(classifyGraphQL(spent), spent)
	if retry || !errors.Is(gerr, ErrBudgetReserved) {
		t.Errorf("GraphQL budget exhausted for an hour: %v, want ErrBudgetReserved", gerr)
	}
}

func TestClassifyREST(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want failureKind
	}{
		// Transport errors reach go-github's caller as *url.Error, which
		// is a net.Error: the pool's verdicts must win over "network".
		{&url.Error{Op: "Get", URL: "http://x/", Err: &BudgetError{Resource: "core", Reason: "spent"}}, failDeferred},
		{&url.Error{Op: "Get", URL: "http://x/", Err: fmt.Errorf("%w: installation 3", ErrCredentialRejected)}, failPermanent},
		{&url.Error{Op: "Get", URL: "http://x/", Err: io.ErrUnexpectedEOF}, failTransient},
	} {
		if got := classifyREST(nil, tt.err).kind; got != tt.want {
			t.Errorf("classifyREST(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestClassifyGraphQL(t *testing.T) {
	t.Parallel()
	var syntax error = &json.SyntaxError{}
	for _, tt := range []struct {
		err  error
		want failureKind
	}{
		{&GraphQLRateLimitError{Reset: time.Now()}, failPrimary},
		{&GraphQLStatusError{Status: 403, RetryAfter: time.Second}, failSecondary},
		{&GraphQLStatusError{Status: 429}, failSecondary},
		{&GraphQLStatusError{Status: 502}, failTransient},
		{&GraphQLStatusError{Status: 401}, failPermanent},
		{fmt.Errorf("graphql: malformed response: %w", syntax), failTransient},
		{fmt.Errorf("graphql: reading response: %w", io.ErrUnexpectedEOF), failTransient},
		{fmt.Errorf("graphql: query refused: %w", errors.New("bad field")), failPermanent},
		{&url.Error{Op: "Post", URL: "http://x/graphql", Err: &BudgetError{Resource: "graphql", Reason: "spent"}}, failDeferred},
	} {
		if got := classifyGraphQL(tt.err).kind; got != tt.want {
			t.Errorf("classifyGraphQL(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
