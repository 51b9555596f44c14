package githubfake

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKeys are two RSA keys: the App's, and one GitHub does not know.
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	a, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	b, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return a, b
})

// signJWT signs claims RS256, as a GitHub App does.
func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func post(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

const (
	testAppID        = 4242
	testInstallation = 77
)

func appServer(t *testing.T, clock *fakeClock, opts Options) (*Server, string) {
	t.Helper()
	appKey, _ := testKeys()
	opts.Now = clock.now
	opts.Apps = map[int64]App{testAppID: {PublicKey: &appKey.PublicKey, Installations: []int64{testInstallation, 78}}}
	s, srv := newTestServer(t, opts)
	return s, srv.URL
}

func TestAccessTokens(t *testing.T) {
	t.Parallel()
	appKey, otherKey := testKeys()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	now := clock.t.Unix()
	good := map[string]any{"iat": now - 30, "exp": now + 90, "iss": strconv.Itoa(testAppID)}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	tests := []struct {
		name    string
		path    string
		auth    string
		status  int
		message string
	}{
		{"valid, iss a string", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, good), 201, ""},
		{"valid, iss a number", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, with("iss", testAppID)), 201, ""},
		{"GitHub Enterprise path", "/api/v3/app/installations/78/access_tokens", "Bearer " + signJWT(t, appKey, good), 201, ""},
		{"expired", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, with("exp", now-1)), 401,
			"'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"},
		{"exp too far ahead", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, with("exp", now+11*60)), 401,
			"'Expiration time' claim ('exp') is too far in the future"},
		{"issued in the future", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, with("iat", now+300)), 401,
			"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"},
		{"signed with another key", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, otherKey, good), 401, "A JSON web token could not be decoded"},
		{"unknown App", "/app/installations/77/access_tokens", "Bearer " + signJWT(t, appKey, with("iss", "1")), 401, "A JSON web token could not be decoded"},
		{"not a JWT", "/app/installations/77/access_tokens", "Bearer abc.def", 401, "A JSON web token could not be decoded"},
		{"a token instead of a JWT", "/app/installations/77/access_tokens", "token ghp_abc", 401, "A JSON web token could not be decoded"},
		{"another App's installation", "/app/installations/99/access_tokens", "Bearer " + signJWT(t, appKey, good), 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, url := appServer(t, clock, Options{})
			resp, body := post(t, url+tt.path, "Authorization", tt.auth)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if s.Count(AccessTokensRoute, tt.status) != 1 {
				t.Errorf("not counted under %s", AccessTokensRoute)
			}
			if tt.status != 201 {
				var e struct{ Message, DocumentationURL string }
				json.Unmarshal(body, &e)
				if e.Message != tt.message {
					t.Errorf("message %q, want %q", e.Message, tt.message)
				}
				return
			}
			var tok struct {
				Token               string            `json:"token"`
				ExpiresAt           time.Time         `json:"expires_at"`
				Permissions         map[string]string `json:"permissions"`
				RepositorySelection string            `json:"repository_selection"`
			}
			if err := json.Unmarshal(body, &tok); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok.Token, "ghs_") || len(tok.Token) != 40 || !tok.ExpiresAt.Equal(clock.t.Add(time.Hour)) ||
				tok.Permissions["metadata"] != "read" || tok.RepositorySelection != "all" {
				t.Errorf("token answer %s", body)
			}
		})
	}
	// A GET of the same path is not an endpoint.
	_, url := appServer(t, clock, Options{})
	if resp, _ := get(t, url+"/app/installations/77/access_tokens", "Authorization", "Bearer "+signJWT(t, appKey, good)); resp.StatusCode != 404 {
		t.Errorf("GET access_tokens: %d, want 404", resp.StatusCode)
	}
}

// issue gets an installation token from the fake.
func issue(t *testing.T, url string, clock *fakeClock, installation int) string {
	t.Helper()
	appKey, _ := testKeys()
	now := clock.t.Unix()
	jwt := signJWT(t, appKey, map[string]any{"iat": now - 30, "exp": now + 90, "iss": strconv.Itoa(testAppID)})
	resp, body := post(t, url+"/app/installations/"+strconv.Itoa(installation)+"/access_tokens", "Authorization", "Bearer "+jwt)
	if resp.StatusCode != 201 {
		t.Fatalf("access token: %d %s", resp.StatusCode, body)
	}
	var tok struct{ Token string }
	json.Unmarshal(body, &tok)
	return tok.Token
}

// Installation tokens spend their installation's bucket, with its own
// limit; a renewed token keeps spending the same bucket; an expired or
// unknown one is refused as GitHub refuses revoked tokens.
func TestInstallationTokens(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	_, url := appServer(t, clock, Options{Limit: 50, InstallationLimit: 7})
	first := issue(t, url, clock, testInstallation)
	renewed := issue(t, url, clock, testInstallation)
	other := issue(t, url, clock, 78)
	for i, c := range []struct {
		auth        string
		limit, used int
	}{
		{"token " + first, 7, 1},
		{"token " + renewed, 7, 2},
		{"token " + other, 7, 1},
		{"Bearer ghp_personal", 50, 1},
	} {
		resp, body := get(t, url+"/repos/acme/widget", "Authorization", c.auth)
		limit, _, used, _ := rateHeaders(resp)
		if resp.StatusCode != 200 || limit != c.limit || used != c.used {
			t.Errorf("request %d: status %d limit %d used %d, want 200 %d %d: %s", i, resp.StatusCode, limit, used, c.limit, c.used, body)
		}
	}
	for name, auth := range map[string]string{"unknown": "token ghs_" + strings.Repeat("x", 36)} {
		resp, body := get(t, url+"/repos/acme/widget", "Authorization", auth)
		if resp.StatusCode != 401 || !strings.Contains(string(body), "Bad credentials") {
			t.Errorf("%s installation token: %d %s, want 401 Bad credentials", name, resp.StatusCode, body)
		}
	}
	// An installation is not a user.
	if resp, body := get(t, url+"/user", "Authorization", "token "+first); resp.StatusCode != 403 ||
		!strings.Contains(string(body), "Resource not accessible by integration") {
		t.Errorf("GET /user as an installation: %d %s", resp.StatusCode, body)
	}
	clock.advance(time.Hour)
	if resp, _ := get(t, url+"/repos/acme/widget", "Authorization", "token "+first); resp.StatusCode != 401 {
		t.Errorf("expired installation token: %d, want 401", resp.StatusCode)
	}
}

// Tokens of one user share the user's bucket; GET /user names the user.
func TestTokensOfOneUserShareABucket(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	_, srv := newTestServer(t, Options{Now: clock.now, Limit: 10, TokenUsers: map[string]string{"tok-a1": "alice", "tok-a2": "alice", "tok-b": "bob"}})
	for i, c := range []struct {
		auth string
		used int
	}{
		{"Bearer tok-a1", 1}, {"token tok-a2", 2}, {"Bearer tok-b", 1}, {"Bearer tok-unlisted", 1}, {"Bearer tok-a1", 3},
	} {
		resp, _ := get(t, srv.URL+"/repos/acme/widget", "Authorization", c.auth)
		if _, _, used, _ := rateHeaders(resp); used != c.used {
			t.Errorf("request %d (%s): used %d, want %d", i, c.auth, used, c.used)
		}
	}
	login := func(auth string) string {
		var u struct{ Login, Type string }
		getJSON(t, srv.URL+"/user", 200, &u, "Authorization", auth)
		return u.Login
	}
	if a1, a2, b := login("Bearer tok-a1"), login("Bearer tok-a2"), login("Bearer tok-b"); a1 != "alice" || a2 != "alice" || b != "bob" {
		t.Errorf("GET /user: %q %q %q, want alice alice bob", a1, a2, b)
	}
	if x, y := login("Bearer tok-x"), login("Bearer tok-y"); x == y || x == "" || strings.Contains(x, "tok-x") {
		t.Errorf("unlisted tokens are users of their own, named without the token: %q %q", x, y)
	}
	if resp, _ := get(t, srv.URL+"/user"); resp.StatusCode != 401 {
		t.Errorf("anonymous GET /user: %d, want 401", resp.StatusCode)
	}
}

// GitHub's validators describe the answer, not who asked for it: a
// validator one credential received makes another's request a free 304.
func TestETagsDoNotDependOnTheCredential(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	_, url := appServer(t, clock, Options{})
	inst := issue(t, url, clock, testInstallation)
	resp, _ := get(t, url+"/repos/acme/widget/commits?per_page=5", "Authorization", "Bearer tok-one")
	etag := resp.Header.Get("ETag")
	for _, auth := range []string{"Bearer tok-two", "token " + inst} {
		resp, _ := get(t, url+"/repos/acme/widget/commits?per_page=5", "Authorization", auth, "If-None-Match", etag)
		if _, _, used, _ := rateHeaders(resp); resp.StatusCode != http.StatusNotModified || used != 0 {
			t.Errorf("%s with another credential's ETag: %d, used %d; want a free 304", strings.Fields(auth)[0], resp.StatusCode, used)
		}
	}
}
