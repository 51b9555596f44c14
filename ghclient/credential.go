package ghclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// Credential is one way of authenticating to GitHub. Each has its own
// rate-limit budget, except tokens of one user (see Pool.Identify).
type Credential struct {
	// Name identifies the credential in metrics and logs: a configured
	// name or index ("token", "token_files[1]") or an App installation
	// ("installation-42"). It must never be derived from the secret.
	Name string
	// Token is sent as "Authorization: Bearer TOKEN" (a personal access
	// token, classic or fine-grained). Empty, with App nil, is anonymous.
	Token string
	// App, when set, authenticates as a GitHub App installation instead.
	App *App
}

// App is a GitHub App installation. ghinstallation signs a JWT with the
// App's key, exchanges it for an installation token (valid an hour) and
// renews that token a minute before it expires.
type App struct {
	AppID, InstallationID int64
	// PrivateKey is the App's private key, PEM (PKCS#1 or PKCS#8, RSA).
	PrivateKey []byte
}

// ErrCredentialRejected is wrapped by the error of a request that could
// not be authenticated: GitHub refused to issue an App installation token
// (wrong key, App or installation). Retrying cannot help.
var ErrCredentialRejected = errors.New("credential rejected")

// cred is a Credential ready to send requests.
type cred struct {
	name  string
	token string            // static token, or "" (App, anonymous)
	rt    http.RoundTripper // adds App authentication; base otherwise
	app   bool
}

// newCred prepares c. apiBase is the REST base URL: an App's token
// requests go there too (GitHub Enterprise Server serves them under
// /api/v3).
func newCred(c Credential, base http.RoundTripper, apiBase string, obs Observer) (*cred, error) {
	if c.App == nil {
		return &cred{name: c.Name, token: c.Token, rt: base}, nil
	}
	if c.Token != "" {
		return nil, fmt.Errorf("credential %s: both a token and an App", c.Name)
	}
	// ghinstallation reports a bad key without quoting it.
	itr, err := ghinstallation.New(&tokenObserver{base: base, obs: obs}, c.App.AppID, c.App.InstallationID, c.App.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("credential %s: GitHub App %d: %w", c.Name, c.App.AppID, err)
	}
	itr.BaseURL = strings.TrimSuffix(apiBase, "/")
	return &cred{name: c.Name, rt: &appAuth{itr: itr}, app: true}, nil
}

// send sends req (the pool's own copy) with c's authentication.
func (c *cred) send(req *http.Request) (*http.Response, error) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.rt.RoundTrip(req)
}

// appAuth classifies ghinstallation's failures to get a token.
type appAuth struct{ itr *ghinstallation.Transport }

func (a *appAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := a.itr.RoundTrip(req)
	var he *ghinstallation.HTTPError
	if err != nil && errors.As(err, &he) && he.Response != nil {
		if he.Response.Body != nil {
			he.Response.Body.Close()
		}
		if s := he.Response.StatusCode; s >= 400 && s < 500 && s != http.StatusTooManyRequests {
			return nil, fmt.Errorf("%w: GitHub App installation %d: GitHub refused an installation token (%s)",
				ErrCredentialRejected, a.itr.InstallationID(), he.Response.Status)
		}
	}
	return resp, err
}

// tokenObserver reports ghinstallation's own requests (installation
// tokens) to the Observer: they cost no installation quota but are
// requests all the same.
type tokenObserver struct {
	base http.RoundTripper
	obs  Observer
}

func (t *tokenObserver) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if t.obs != nil && strings.Contains(req.URL.Path, "/app/") {
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		t.obs.Request(Route(req.URL.Path), status, time.Since(start))
	}
	return resp, err
}

// whoAmI asks GitHub which user a token belongs to (GET /user; one
// request of that user's quota).
func (p *Pool) whoAmI(ctx context.Context, b *budget, c *cred) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"user", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	if p.userAgent != "" {
		req.Header.Set("User-Agent", p.userAgent)
	}
	start := time.Now()
	resp, err := c.send(req)
	if p.obs != nil {
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		p.obs.Request("/user", status, time.Since(start))
	}
	if err != nil {
		return "", err // the guard (guard.go) scrubbed it
	}
	defer resp.Body.Close()
	p.mu.Lock()
	p.note(b, "core", resp)
	p.mu.Unlock()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /user: HTTP %d", resp.StatusCode)
	}
	var u struct {
		Login string `json:"login"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&u); err != nil || u.Login == "" {
		return "", fmt.Errorf("GET /user: no login in the answer")
	}
	return u.Login, nil
}

// Identify asks GitHub who each token belongs to (GET /user, one request
// per token; only when there are several) and merges the budgets of
// tokens of one user: GitHub counts all of a user's tokens against one
// limit, so two of them do not double it, and pacing them apart would
// spend the shared quota twice as fast as planned. App installations have
// budgets of their own and are not asked. It returns the names of the
// credentials merged, one group per user; a token GitHub does not answer
// for keeps its own budget and its error is returned, joined.
func (p *Pool) Identify(ctx context.Context) ([][]string, error) {
	p.mu.Lock()
	var tokens []*budget
	for _, b := range p.budgets {
		if len(b.creds) == 1 && b.creds[0].token != "" {
			tokens = append(tokens, b)
		}
	}
	p.mu.Unlock()
	if len(tokens) < 2 {
		return nil, nil
	}
	var (
		errs   []error
		byUser = map[string][]*budget{}
		order  []string
	)
	for _, b := range tokens {
		login, err := p.whoAmI(ctx, b, b.creds[0])
		if err != nil {
			errs = append(errs, fmt.Errorf("credential %s: %w", b.name, err))
			continue
		}
		key := strings.ToLower(login)
		if _, ok := byUser[key]; !ok {
			order = append(order, key)
		}
		byUser[key] = append(byUser[key], b)
	}
	var groups [][]string
	p.mu.Lock()
	for _, key := range order {
		bs := byUser[key]
		if len(bs) < 2 {
			continue
		}
		into := bs[0]
		for _, b := range bs[1:] {
			into.absorb(b)
			p.remove(b)
		}
		groups = append(groups, into.names())
	}
	p.mu.Unlock()
	return groups, errors.Join(errs...)
}
