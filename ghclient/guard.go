package ghclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// MaxBodyBytes caps a response body, REST as GraphQL: a server streaming an
// endless body must cost an error, not the machine's memory.
const MaxBodyBytes = 64 << 20

// maxSecrets bounds the secrets a guard remembers: the configured tokens,
// and App installation tokens and JWTs as they are renewed.
const maxSecrets = 256

const redactedText = "<redacted>"

// ErrBodyTooLarge is returned when a response body is over MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body too large")

// guard is the innermost transport: it sees each request as it leaves,
// with its final Authorization header (a token, an App installation token,
// an App JWT), and remembers that secret; it scrubs every secret it has
// sent from what comes back, so a server that echoes request headers in a
// body (an error message, a description) or a response header (an ETag)
// never puts a secret into a log, the store or a page. Bodies are capped
// at MaxBodyBytes.
type guard struct {
	rt      http.RoundTripper
	mu      sync.Mutex
	secrets []string // newest last
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	g.remember(req.Header.Get("Authorization"))
	resp, err := g.rt.RoundTrip(req)
	if err != nil {
		return nil, g.scrubErr(err)
	}
	g.scrubHeader(resp.Header)
	resp.Body = &guardedBody{rc: resp.Body, g: g, what: req.Method + " " + Route(req.URL.Path)}
	return resp, nil
}

// scrubHeader scrubs the values of an answer's headers in place: an ETag
// is stored and a Link or Location followed, so an echoed secret there
// would reach the store or a log as surely as from a body.
func (g *guard) scrubHeader(h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			if clean := string(g.scrub([]byte(v))); clean != v {
				h[k][i] = clean
			}
		}
	}
}

// remember keeps the secret of an Authorization header ("Bearer x",
// "token x", "Basic x").
func (g *guard) remember(auth string) {
	_, secret, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok {
		secret = auth
	}
	if secret = strings.TrimSpace(secret); len(secret) < 8 {
		return // nothing, or too short to be a secret worth matching
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.secrets {
		if s == secret {
			return
		}
	}
	if len(g.secrets) == maxSecrets {
		g.secrets = g.secrets[1:]
	}
	g.secrets = append(g.secrets, secret)
}

// scrub replaces every remembered secret in b, as written and URL-encoded.
func (g *guard) scrub(b []byte) []byte {
	g.mu.Lock()
	secrets := g.secrets
	g.mu.Unlock()
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if bytes.Contains(b, []byte(form)) {
				b = bytes.ReplaceAll(b, []byte(form), []byte(redactedText))
			}
		}
	}
	return b
}

// scrubErr keeps secrets out of transport errors, which net/http may build
// from request details.
func (g *guard) scrubErr(err error) error {
	msg := err.Error()
	clean := string(g.scrub([]byte(msg)))
	if clean == msg {
		return err
	}
	return errors.New(clean)
}

// guardedBody reads the whole body (up to MaxBodyBytes) on first use and
// serves it scrubbed. go-github decodes whole bodies anyway, so holding
// one costs no more than decoding it.
type guardedBody struct {
	rc   io.ReadCloser
	g    *guard
	what string
	buf  *bytes.Reader
	err  error
}

func (b *guardedBody) Read(p []byte) (int, error) {
	if b.buf == nil && b.err == nil {
		raw, err := io.ReadAll(io.LimitReader(b.rc, MaxBodyBytes+1))
		switch {
		case err != nil:
			b.err = b.g.scrubErr(err)
		case len(raw) > MaxBodyBytes:
			b.err = fmt.Errorf("%w: %s: the body is over %d MiB; refused", ErrBodyTooLarge, b.what, MaxBodyBytes>>20)
		default:
			b.buf = bytes.NewReader(b.g.scrub(raw))
		}
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.buf.Read(p)
}

func (b *guardedBody) Close() error { return b.rc.Close() }
