package ghclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GraphQLObserver is the part of an Observer that learns what GraphQL
// queries cost. It is separate so Observers written before GraphQL keep
// compiling; GraphQL reports to the Observer when it implements it.
type GraphQLObserver interface {
	// GraphQLCost reports the points one query spent, from the query's
	// own rateLimit { cost } (GitHub sends no header for it).
	GraphQLCost(points int)
}

// GraphQLURL derives the GraphQL endpoint from the REST base URL:
// https://api.github.com/ → https://api.github.com/graphql, and GitHub
// Enterprise Server's https://HOST/api/v3/ → https://HOST/api/graphql.
func GraphQLURL(restBase string) (string, error) {
	u, err := url.Parse(restBase)
	if err != nil {
		return "", fmt.Errorf("github api url %q: %w", restBase, err)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/api/v3") {
		p = strings.TrimSuffix(p, "/v3")
	}
	u.Path = p + "/graphql"
	u.RawPath = ""
	return u.String(), nil
}

// GraphQL sends queries to GitHub's GraphQL API through the same
// http.Client as the REST client: same token, same in-flight bound, same
// per-request Observer calls (route "/graphql").
type GraphQL struct {
	hc        *http.Client
	url       string
	userAgent string
	obs       Observer
	pool      *Pool
}

// URL is the endpoint queries go to.
func (g *GraphQL) URL() string { return g.url }

// GraphQLError is one entry of a response's "errors".
type GraphQLError struct {
	Type      string `json:"type"` // GitHub's classification, e.g. NOT_FOUND, RATE_LIMITED
	Message   string `json:"message"`
	Path      []any  `json:"path"`
	Locations []struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"locations"`
}

func (e GraphQLError) Error() string {
	var b strings.Builder
	if len(e.Locations) > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Locations[0].Line, e.Locations[0].Column)
	}
	b.WriteString(e.Message)
	return b.String()
}

// GraphQLRate is a query's rateLimit block, when it asked for one.
type GraphQLRate struct {
	Cost      int       `json:"cost"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	ResetAt   time.Time `json:"resetAt"`
}

// GraphQLRateLimitError is an exhausted point budget: GitHub answers 200
// with an error of type RATE_LIMITED (lately also RATE_LIMIT) and
// x-ratelimit-remaining 0, or a 403/429 with remaining 0.
type GraphQLRateLimitError struct {
	Reset   time.Time
	Message string
}

func (e *GraphQLRateLimitError) Error() string {
	return fmt.Sprintf("graphql rate limit exhausted until %s: %s", e.Reset.UTC().Format(time.RFC3339), e.Message)
}

// GraphQLStatusError is any other non-200 answer: secondary limits
// (403/429, usually with Retry-After), 401, 5xx.
type GraphQLStatusError struct {
	Status     int
	Message    string
	RetryAfter time.Duration // 0 when absent
}

func (e *GraphQLStatusError) Error() string {
	return fmt.Sprintf("graphql: HTTP %d: %s", e.Status, e.Message)
}

// Do runs one query. data receives the "data" member (partial data
// included); the returned errors are the "errors" entries a query can have
// alongside data (NOT_FOUND for one alias of a batch, say), for the caller
// to judge. err covers what leaves no usable data: transport failures,
// non-200 answers, an exhausted budget, and a response without data.
//
// GitHub answers a query its credential cannot pay for with 200 and a
// RATE_LIMITED error: Do then marks that credential's GraphQL quota spent
// and sends the query again, once per other credential of the pool.
func (g *GraphQL) Do(ctx context.Context, query string, vars map[string]any, data any) ([]GraphQLError, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, fmt.Errorf("graphql: encoding request: %w", err)
	}
	tries := 1
	if g.pool != nil {
		tries = g.pool.size()
	}
	for try := 1; ; try++ {
		served := &servedBy{}
		gerrs, err := g.do(context.WithValue(ctx, servedKey{}, served), body, data)
		var rle *GraphQLRateLimitError
		if try < tries && errors.As(err, &rle) {
			if b := served.get(); b != nil {
				g.pool.exhaust(b, "graphql")
				continue
			}
		}
		return gerrs, err
	}
}

func (g *GraphQL) do(ctx context.Context, body []byte, data any) ([]GraphQLError, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if g.userAgent != "" {
		req.Header.Set("User-Agent", g.userAgent)
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("graphql: reading response: %w", err)
	}
	_, remaining, reset, haveRate := rateHeaders(resp.Header)
	if resp.StatusCode != http.StatusOK {
		msg := string(raw)
		var m struct{ Message string }
		if json.Unmarshal(raw, &m) == nil && m.Message != "" {
			msg = m.Message
		}
		if (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests) &&
			haveRate && remaining == 0 && resp.Header.Get("Retry-After") == "" {
			return nil, &GraphQLRateLimitError{Reset: reset, Message: msg}
		}
		se := &GraphQLStatusError{Status: resp.StatusCode, Message: msg}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			se.RetryAfter = time.Duration(s) * time.Second
		}
		return nil, se
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []GraphQLError  `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("graphql: malformed response: %w", err)
	}
	for _, e := range env.Errors {
		if e.Type == "RATE_LIMITED" || e.Type == "RATE_LIMIT" {
			if !haveRate {
				reset = time.Now().Add(time.Minute)
			}
			return nil, &GraphQLRateLimitError{Reset: reset, Message: e.Message}
		}
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		errs := make([]error, 0, len(env.Errors))
		for _, e := range env.Errors {
			errs = append(errs, e)
		}
		if len(errs) == 0 {
			errs = append(errs, errors.New("response has neither data nor errors"))
		}
		return env.Errors, fmt.Errorf("graphql: query refused: %w", errors.Join(errs...))
	}
	var rl struct {
		RateLimit *GraphQLRate `json:"rateLimit"`
	}
	if json.Unmarshal(env.Data, &rl) == nil && rl.RateLimit != nil {
		if o, ok := g.obs.(GraphQLObserver); ok {
			o.GraphQLCost(rl.RateLimit.Cost)
		}
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			return env.Errors, fmt.Errorf("graphql: decoding data: %w", err)
		}
	}
	return env.Errors, nil
}
