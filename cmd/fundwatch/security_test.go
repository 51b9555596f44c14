package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fundwatch test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestTLSAndBasicAuth: with --web.config.file (exporter-toolkit), the
// exporter serves only over TLS and only to the configured user, on every
// path (metrics, triage, landing page).
func TestTLSAndBasicAuth(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webCfg := filepath.Join(dir, "web.yaml")
	os.WriteFile(webCfg, []byte(fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  prometheus: %s\n", certFile, keyFile, hash)), 0o644)
	addr := freePort(t)
	cmd := exec.Command(binary, "demo", "--web.listen-address="+addr, "--web.config.file="+webCfg, "--demo.end=2026-11-01", "--log.level=warn")
	out := tooltest.Start(t, "demo", cmd)

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(path, user, pass string) (int, string, error) {
		req, _ := http.NewRequest(http.MethodGet, "https://"+addr+path, nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	// The demo binds, then serves once it has a snapshot of its (empty)
	// store: ready at once, however loaded the machine, unless it fails.
	out.WaitFor(t, "demo", "fundwatch demo: collecting", time.Minute)
	out.Until(t, "demo", "/-/ready answering 200 over TLS", func() bool {
		code, _, err := get("/-/ready", "prometheus", "s3cret")
		return err == nil && code == 200
	}, time.Minute)
	for _, path := range []string{"/metrics", "/triage", "/"} {
		if code, _, err := get(path, "", ""); err != nil || code != http.StatusUnauthorized {
			t.Errorf("%s without credentials: %d %v, want 401", path, code, err)
		}
		if code, _, err := get(path, "prometheus", "wrong"); err != nil || code != http.StatusUnauthorized {
			t.Errorf("%s with a wrong password: %d %v, want 401", path, code, err)
		}
		code, body, err := get(path, "prometheus", "s3cret")
		if err != nil || code != 200 {
			t.Errorf("%s with credentials: %d %v, want 200", path, code, err)
		}
		if path == "/metrics" && !strings.Contains(body, "fundwatch_build_info") {
			t.Errorf("/metrics over TLS lacks fundwatch_build_info")
		}
	}
	// Plain HTTP is refused.
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/metrics")
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 || strings.Contains(string(b), "fundwatch_") {
			t.Errorf("plain HTTP served metrics: %d", resp.StatusCode)
		}
	}
}

// TestTokenNeverLeaks runs collect and serve against a fake GitHub that
// fails in several ways (an unknown repository, a malformed FUNDING.yml, a
// rate limit that runs out) with debug logging, and greps everything
// fundwatch produced — logs, summaries, metrics, the triage in every
// format, the landing page and the store file — for the credentials: the
// token of GITHUB_TOKEN, another of github.token_files, and the private
// key and installation tokens of a GitHub App.
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	world, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	// A budget that runs out in the middle of the first collection, on
	// every credential (40 no longer did, once history came from git
	// mirrors and unchanged repositories were spared). The fake's clock
	// is the wall clock: the App's JWTs are checked against it.
	fake := githubfake.New(world, githubfake.Options{Limit: 8, InstallationLimit: 8, Window: time.Hour,
		Apps: map[int64]githubfake.App{31: {PublicKey: &key.PublicKey, Installations: []int64{4159}}}})
	// Some routes answer errors whose bodies echo the request's headers,
	// Authorization included, as and URL-encoded.
	echo := func(w http.ResponseWriter, r *http.Request, status int) {
		var b strings.Builder
		for k, v := range r.Header {
			fmt.Fprintf(&b, "%s: %s; ", k, strings.Join(v, ","))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message": %q, "documentation_url": "https://example.invalid/?h=%s"}`, b.String(), url.QueryEscape(r.Header.Get("Authorization")))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/repos/nobody/nothing"):
			echo(w, r, http.StatusUnprocessableEntity)
		case strings.HasSuffix(r.URL.Path, "/releases"):
			echo(w, r, http.StatusInternalServerError)
		case r.URL.Path == "/user" || strings.HasPrefix(r.URL.Path, "/repos/fastjson/fastjson"):
			// Successful answers whose headers echo Authorization: the
			// rate-limit resource (a label of /metrics) and the ETag
			// (stored with the cursors). /user is asked at every start.
			fake.ServeHTTP(&headerEcho{ResponseWriter: w, auth: r.Header.Get("Authorization")}, r)
		default:
			fake.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	const token = "ghp_L3akCheckT0ken9f8e7d6c5b4a3928171605"
	const token2 = "github_pat_11AAAAAAA0SecondT0kenLeakCheck777"
	dir := t.TempDir()
	db := filepath.Join(dir, "fw.db")
	cfg := filepath.Join(dir, "fw.yaml")
	tokenFile, keyFile := filepath.Join(dir, "token2"), filepath.Join(dir, "app.pem")
	os.WriteFile(tokenFile, []byte(token2+"\n"), 0o600)
	os.WriteFile(keyFile, keyPEM, 0o600)
	os.WriteFile(cfg, []byte(fmt.Sprintf(`github:
  api_url: %s/
  timeout: 2s
  token_files: [%s]
  app: {app_id: 31, installation_id: 4159, private_key_file: %s}
store:
  path: %s
watch:
  - repo: quill-md/quill       # malformed FUNDING.yml
  - repo: nobody/nothing       # 404
  - repo: fastjson/fastjson
`, srv.URL, tokenFile, keyFile, db)), 0o644)
	env := append(os.Environ(), "GITHUB_TOKEN="+token)
	var outputs []string

	// collect meets the failures (the unknown repository, the budget
	// running out: what is left waits for the next run, an hour away) and
	// ends by itself. The waits follow its output, not a guessed
	// duration: a loaded machine that keeps logging is waited for; a
	// collect silent for a minute is stuck.
	col := exec.Command(binary, "collect", "--config", cfg, "--log.level=debug")
	col.Env = env
	colR, colW := io.Pipe()
	col.Stdout, col.Stderr = colW, colW
	if err := col.Start(); err != nil {
		t.Fatal(err)
	}
	colOut := tooltest.Watch(colR)
	colDone := make(chan struct{})
	go func() { col.Wait(); colW.Close(); close(colDone) }()
	// SIGTERM, not SIGKILL, if the test stops it: collect cancels its git
	// runs and waits for them, so none still writes into the test's
	// directory.
	defer func() { col.Process.Signal(syscall.SIGTERM); <-colDone }()
	colOut.WaitFor(t, "collect", "repo=nobody/nothing err=", time.Minute)
	colOut.WaitFor(t, "collect", "GitHub rate limit", time.Minute)
	colOut.WaitFor(t, "collect", "refreshes failed", time.Minute) // its last line
	<-colDone
	outputs = append(outputs, colOut.String())

	addr := freePort(t)
	srvCmd := exec.Command(binary, "serve", "--config", cfg, "--web.listen-address="+addr, "--log.level=debug")
	srvCmd.Env = env
	srvR, srvW := io.Pipe()
	srvCmd.Stdout, srvCmd.Stderr = srvW, srvW
	if err := srvCmd.Start(); err != nil {
		t.Fatal(err)
	}
	srvOut := tooltest.Watch(srvR)
	srvDone := make(chan struct{})
	go func() { srvCmd.Wait(); srvW.Close(); close(srvDone) }()
	defer func() { srvCmd.Process.Signal(syscall.SIGTERM); <-srvDone }()
	// serve computes its snapshot from the store before it listens: ready
	// at once. Its start-up collection fails as collect's did; the pages
	// are read after that, so its failures are in what is searched.
	srvOut.WaitFor(t, "serve", "Listening on", time.Minute)
	resp, err := http.Get("http://" + addr + "/-/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("serve not ready once listening: %s\n%s", resp.Status, srvOut.String())
	}
	srvOut.WaitFor(t, "serve", "repo=nobody/nothing err=", time.Minute)
	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(b)
	}
	// The App's installation is in the metrics once a request was sent
	// with it (after its token was fetched): its name, never its secret.
	srvOut.Until(t, "serve", "/metrics naming the installation-4159 credential", func() bool {
		return strings.Contains(get("/metrics"), `credential="installation-4159"`)
	}, time.Minute)
	for _, path := range []string{"/metrics", "/triage", "/triage.json", "/triage.csv", "/triage.txt", "/"} {
		body := get(path)
		outputs = append(outputs, body)
		if path != "/metrics" {
			continue
		}
		// The echoed resource names are not label values: only GitHub's
		// own, and "other" for the rest.
		other := false
		for _, m := range regexp.MustCompile(`resource="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			switch m[1] {
			case "core", "graphql", "search":
			case "other":
				other = true
			default:
				t.Errorf("/metrics has a resource label %q", m[1])
			}
		}
		if !other {
			t.Errorf("/metrics has no resource=\"other\": the echoing headers were not exercised")
		}
	}
	srvCmd.Process.Signal(syscall.SIGTERM)
	<-srvDone
	outputs = append(outputs, srvOut.String())
	for _, f := range []string{db, db + "-wal"} {
		if b, err := os.ReadFile(f); err == nil {
			outputs = append(outputs, string(b))
		}
	}
	all := strings.Join(outputs, "\n")
	if fake.Count(githubfake.AccessTokensRoute, http.StatusCreated) == 0 || !strings.Contains(all, "installation-4159") {
		t.Errorf("the App installation was not used (%d tokens issued)", fake.Count(githubfake.AccessTokensRoute, http.StatusCreated))
	}
	keyLines := strings.Split(string(keyPEM), "\n")
	for _, part := range []string{token, token[4:20], "Bearer " + token[:8], token2, token2[11:30],
		keyLines[1], keyLines[5][:32], "ghs_", "eyJ"} { // installation tokens; JWTs
		if strings.Contains(all, part) {
			i := strings.Index(all, part)
			t.Errorf("the token (or part of it) appears in fundwatch's output: ...%s...", all[max(0, i-200):min(len(all), i+100)])
		}
	}
}

// headerEcho sets the rate-limit resource and the ETag of an answer to a
// request's Authorization header, as a hostile or broken proxy might.
type headerEcho struct {
	http.ResponseWriter
	auth  string
	wrote bool
}

func (w *headerEcho) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("X-RateLimit-Resource", w.auth)
		w.Header().Set("ETag", `W/"`+w.auth+`"`)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerEcho) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Files named on the command line are regular files read with a cap, as
// every file from the user's tree: a --web.config.file (or a certificate
// it names) or a --demo.scenario that is a FIFO made serve hang past
// SIGTERM, and a symlink to /dev/zero ran it out of memory. Each is now
// refused at once, with a message naming the file.
func TestCommandLineFilesMustBeRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo, zero := filepath.Join(dir, "fifo.yaml"), filepath.Join(dir, "zero.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	// A web config whose certificate is /dev/zero (relative to the file,
	// as exporter-toolkit reads it).
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "cert.pem")); err != nil {
		t.Fatal(err)
	}
	webCert := filepath.Join(dir, "web-cert.yaml")
	os.WriteFile(webCert, []byte("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"), 0o644)
	cfg := filepath.Join(dir, "fw.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("store:\n  path: %s\nwatch: [a/b]\n", filepath.Join(dir, "fw.db"))), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"serve web config fifo", []string{"serve", "--config", cfg, "--web.config.file=" + fifo}, []string{"--web.config.file", fifo, "not a regular file (a named pipe)"}},
		{"serve web config zero", []string{"serve", "--config", cfg, "--web.config.file=" + zero}, []string{"--web.config.file", zero, "not a regular file (a character device)"}},
		{"serve web config cert zero", []string{"serve", "--config", cfg, "--web.config.file=" + webCert}, []string{"tls_server_config.cert_file", filepath.Join(dir, "cert.pem"), "not a regular file"}},
		{"demo web config fifo", []string{"demo", "--web.config.file=" + fifo}, []string{"--web.config.file", fifo, "not a regular file (a named pipe)"}},
		{"demo scenario fifo", []string{"demo", "--demo.scenario=" + fifo}, []string{fifo, "not a regular file (a named pipe)"}},
		{"demo scenario zero", []string{"demo", "--demo.scenario=" + zero}, []string{zero, "not a regular file (a character device)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, append(tc.args, "--web.listen-address="+freePort(t))...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("still running after %s:\n%s", time.Since(start).Round(time.Second), out)
			}
			if err == nil {
				t.Fatalf("succeeded:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("message lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
