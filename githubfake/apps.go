package githubfake

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// App is a GitHub App the fake knows: installation tokens are issued to
// whoever signs a JWT with the App's private key.
type App struct {
	// PublicKey verifies the App's JWTs (RS256).
	PublicKey *rsa.PublicKey
	// Installations are the App's installation IDs.
	Installations []int64
}

// AccessTokensRoute is the templated route under which installation token
// requests are counted.
const AccessTokensRoute = "/app/installations/{installation_id}/access_tokens"

// authenticatedUserRoute answers GET /user: who a token belongs to.
const authenticatedUserRoute = "/user"

// installationTokenTTL is how long GitHub's installation tokens live.
const installationTokenTTL = time.Hour

// jwtMaxLifetime is the longest exp GitHub accepts: ten minutes ahead.
const jwtMaxLifetime = 10 * time.Minute

// installationPermissions are the permissions the fake grants: read access
// to what fundwatch reads.
var installationPermissions = obj{"contents": "read", "issues": "read", "metadata": "read", "pull_requests": "read"}

// apps holds the Apps and the installation tokens issued. Tokens are kept
// only as hashes, like every credential the fake sees.
type apps struct {
	known map[int64]App
	users map[string]string // sha256 of "token X" / "Bearer X" → login
	now   func() time.Time

	mu     sync.Mutex
	issued map[string]issuedToken // sha256 of the token → its installation
}

type issuedToken struct {
	installation int64
	expires      time.Time
}

func newApps(opts Options) *apps {
	a := &apps{known: opts.Apps, users: map[string]string{}, now: opts.Now, issued: map[string]issuedToken{}}
	for tok, login := range opts.TokenUsers {
		for _, scheme := range []string{"token ", "Bearer ", "bearer "} {
			a.users[hashOf(scheme+tok)] = login
		}
	}
	return a
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// identity is who a request authenticates as, when that is more than "a
// token": an installation, or a user owning several tokens. callerOf
// reads it to pick the rate-limit bucket.
type identity struct {
	key          string // the rate-limit bucket
	installation int64  // 0 for users
	login        string // users
}

type identityKey struct{}

func identityOf(r *http.Request) (identity, bool) {
	id, ok := r.Context().Value(identityKey{}).(identity)
	return id, ok
}

// authenticate handles what concerns credentials before anything else:
// installation token requests (JWT-authenticated), GET /user, and
// installation tokens that are unknown or expired (401, as GitHub answers
// a token it revoked). Otherwise it returns r carrying the caller's
// identity. done means the request was answered.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (_ *http.Request, done bool) {
	path := strings.TrimPrefix(r.URL.Path, enterprisePrefix)
	if strings.HasPrefix(path, "/app/installations/") {
		s.serveAccessToken(w, r, path)
		return r, true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return r, false
	}
	h := hashOf(auth)
	id := identity{}
	if tok, ok := tokenOf(auth); ok && strings.HasPrefix(tok, "ghs_") {
		s.apps.mu.Lock()
		it, known := s.apps.issued[hashOf(tok)]
		s.apps.mu.Unlock()
		if !known || !s.apps.now().Before(it.expires) {
			writeJSON(w, http.StatusUnauthorized, obj{"message": "Bad credentials", "documentation_url": docsURL})
			s.counts.add(unknownRoute, http.StatusUnauthorized)
			return r, true
		}
		id = identity{key: "installation:" + strconv.FormatInt(it.installation, 10), installation: it.installation}
	} else if login, ok := s.apps.users[h]; ok {
		id = identity{key: "user:" + strings.ToLower(login), login: login}
	} else {
		// Every other token is a user of its own.
		id = identity{key: "auth:" + h, login: "fake-user-" + h[:8]}
	}
	r = r.WithContext(context.WithValue(r.Context(), identityKey{}, id))
	if path == authenticatedUserRoute && r.Method == http.MethodGet && id.installation != 0 {
		writeJSON(w, http.StatusForbidden, obj{"message": "Resource not accessible by integration",
			"documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user", "status": "403"})
		s.counts.add(authenticatedUserRoute, http.StatusForbidden)
		return r, true
	}
	return r, false
}

// tokenOf reads "token X" and "Bearer X": GitHub takes either scheme for
// every kind of token.
func tokenOf(auth string) (string, bool) {
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	return tok, true
}

// handleAuthenticatedUser answers GET /user with the token's user.
func handleAuthenticatedUser(c *reqCtx) *response {
	id, ok := identityOf(c.r)
	if !ok {
		return errorResponse(http.StatusUnauthorized, "Requires authentication", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
	}
	return jsonResponse(http.StatusOK, c.simpleUserOf(c.idx.account(id.login)))
}

// serveAccessToken answers POST /app/installations/{installation_id}/access_tokens
// as GitHub does: the caller authenticates as the App with a JWT signed
// RS256 by the App's private key (iss: the App ID, exp at most ten
// minutes ahead) and gets a token for the installation, valid an hour.
func (s *Server) serveAccessToken(w http.ResponseWriter, r *http.Request, path string) {
	status, body := s.accessToken(r, path)
	s.counts.add(AccessTokensRoute, status)
	writeJSON(w, status, body)
}

func (s *Server) accessToken(r *http.Request, path string) (int, obj) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 4 || parts[3] != "access_tokens" {
		return http.StatusNotFound, obj{"message": "Not Found", "documentation_url": docsURL}
	}
	if r.Method != http.MethodPost {
		return http.StatusNotFound, obj{"message": "Not Found", "documentation_url": docsURL}
	}
	inst, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return http.StatusNotFound, obj{"message": "Not Found", "documentation_url": docsURL}
	}
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return http.StatusUnauthorized, obj{"message": "A JSON web token could not be decoded", "documentation_url": docsURL}
	}
	app, msg := s.apps.verify(jwt)
	if msg != "" {
		return http.StatusUnauthorized, obj{"message": msg, "documentation_url": docsURL}
	}
	owned := false
	for _, id := range app.Installations {
		owned = owned || id == inst
	}
	if !owned {
		return http.StatusNotFound, obj{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"}
	}
	tok := "ghs_" + randomAlnum(36)
	expires := s.apps.now().Add(installationTokenTTL).UTC().Truncate(time.Second)
	s.apps.mu.Lock()
	s.apps.issued[hashOf(tok)] = issuedToken{installation: inst, expires: expires}
	s.apps.mu.Unlock()
	return http.StatusCreated, obj{
		"token":                tok,
		"expires_at":           ts(expires),
		"permissions":          installationPermissions,
		"repository_selection": "all",
	}
}

// verify checks a JWT the way GitHub does and returns the App it
// authenticates, or GitHub's message refusing it.
func (a *apps) verify(token string) (App, string) {
	const undecodable = "A JSON web token could not be decoded"
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return App{}, undecodable
	}
	var head struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iat json.Number `json:"iat"`
		Exp json.Number `json:"exp"`
		Iss any         `json:"iss"`
	}
	if !decodeSegment(parts[0], &head) || !decodeSegment(parts[1], &claims) || head.Alg != "RS256" {
		return App{}, undecodable
	}
	var appID int64
	switch iss := claims.Iss.(type) {
	case string: // ghinstallation sends the App ID as a string
		appID, _ = strconv.ParseInt(iss, 10, 64)
	case json.Number:
		appID, _ = iss.Int64()
	}
	app, ok := a.known[appID]
	if !ok || app.PublicKey == nil {
		return App{}, undecodable
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return App{}, undecodable
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(app.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return App{}, undecodable
	}
	now := a.now()
	exp, err1 := claims.Exp.Int64()
	iat, err2 := claims.Iat.Int64()
	switch {
	case err1 != nil || !now.Before(time.Unix(exp, 0)):
		return App{}, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	case time.Unix(exp, 0).After(now.Add(jwtMaxLifetime)):
		return App{}, "'Expiration time' claim ('exp') is too far in the future"
	case err2 != nil || time.Unix(iat, 0).After(now.Add(time.Minute)):
		return App{}, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	}
	return app, ""
}

func decodeSegment(seg string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return false
	}
	return true
}

func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("githubfake: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, body obj) {
	b := marshal(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
