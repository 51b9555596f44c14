package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// rsaKeyPEM is a GitHub App key as GitHub hands it out (PKCS#1), or
// PKCS#8 as openssl converts it.
func rsaKeyPEM(t *testing.T, pkcs8 bool) []byte {
	t.Helper()
	if !pkcs8 {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSAKey())})
	}
	der, err := x509.MarshalPKCS8PrivateKey(testRSAKey())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	tok1 := writeFile(t, "t1", "ghp_one\n")
	tok2 := writeFile(t, "t2", "ghp_two\n")
	pkcs1 := writeFile(t, "app.pem", string(rsaKeyPEM(t, false)))
	pkcs8 := writeFile(t, "app8.pem", string(rsaKeyPEM(t, true)))
	defPacing := defaultT().GitHub.Pacing
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		want  GitHub // Pacing defaults unless set; APIURL and Timeout always default
		names []string
	}{
		{"env token and token files", "github:\n  token_files: [" + tok1 + ", " + tok2 + "]\n", map[string]string{"GITHUB_TOKEN": "ghp_env"},
			GitHub{Token: "ghp_env", TokenFiles: []string{tok1, tok2}, Tokens: []Secret{"ghp_one", "ghp_two"}},
			[]string{"token", "token_files[0]", "token_files[1]"}},
		{"token files alone", "github:\n  token_files:\n    - " + tok2 + "\n", nil,
			GitHub{TokenFiles: []string{tok2}, Tokens: []Secret{"ghp_two"}}, []string{"token_files[0]"}},
		{"App alone, PKCS#1, ids quoted or not", "github:\n  app: {app_id: 12, installation_id: '34', private_key_file: " + pkcs1 + "}\n", nil,
			GitHub{App: &App{AppID: 12, InstallationID: 34, PrivateKeyFile: pkcs1, PrivateKey: Secret(rsaKeyPEM(t, false))}}, []string{"installation-34"}},
		{"token file and App, PKCS#8", "github:\n  token_file: " + tok1 + "\n  app:\n    app_id: 1\n    installation_id: 2\n    private_key_file: " + pkcs8 + "\n", nil,
			GitHub{Token: "ghp_one", TokenFile: tok1, App: &App{AppID: 1, InstallationID: 2, PrivateKeyFile: pkcs8, PrivateKey: Secret(rsaKeyPEM(t, true))}},
			[]string{"token", "installation-2"}},
		{"pacing", "github:\n  pacing: {max_in_flight: 2, pace_below: 1, reserve: 0, max_wait: 5m}\n", map[string]string{"GITHUB_TOKEN": "ghp_env"},
			GitHub{Token: "ghp_env", Pacing: Pacing{MaxInFlight: 2, PaceBelow: 1, Reserve: 0, MaxWait: 5 * time.Minute}}, []string{"token"}},
		{"pacing, some keys", "github:\n  pacing:\n    reserve: 0.1\n", nil,
			GitHub{Pacing: Pacing{MaxInFlight: defPacing.MaxInFlight, PaceBelow: defPacing.PaceBelow, Reserve: 0.1, MaxWait: defPacing.MaxWait}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseT(src, []byte(tt.yaml), envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.APIURL, want.Timeout = DefaultAPIURL, DefaultTimeout
			if want.Pacing == (Pacing{}) {
				want.Pacing = defPacing
			}
			if !reflect.DeepEqual(cfg.GitHub, want) {
				t.Errorf("github:\n got %+v\nwant %+v", cfg.GitHub, want)
			}
			var names []string
			for _, c := range cfg.GitHub.Credentials() {
				names = append(names, c.Name)
				if (c.Token == "") == (c.App == nil) {
					t.Errorf("credential %s: want a token or an App", c.Name)
				}
			}
			if !reflect.DeepEqual(names, tt.names) {
				t.Errorf("credentials %v, want %v", names, tt.names)
			}
			for _, w := range cfg.Warnings {
				if strings.Contains(w, "no token") && len(tt.names) > 0 {
					t.Errorf("warns of no token with credentials %v", tt.names)
				}
			}
		})
	}
}

func TestParseCredentialsBad(t *testing.T) {
	t.Parallel()
	tok1 := writeFile(t, "t1", "ghp_one\n")
	same := writeFile(t, "same", "ghp_one\n")
	pem := writeFile(t, "app.pem", string(rsaKeyPEM(t, false)))
	notPEM := writeFile(t, "notpem", "just text\n")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := writeFile(t, "ec.pem", string(pemBlock("PRIVATE KEY", ecDER)))
	cert := writeFile(t, "cert.pem", string(pemBlock("CERTIFICATE", []byte{1, 2, 3})))
	brokenRSA := writeFile(t, "broken.pem", string(pemBlock("RSA PRIVATE KEY", []byte("not der"))))
	app := func(body string) string { return "github:\n  app:\n" + body }
	const ids = "    app_id: 1\n    installation_id: 2\n"
	tests := []struct{ name, yaml, want string }{
		{"tokens inline", "github:\n  tokens: [ghp_a]\n", "fundwatch.yaml:2: github.tokens: tokens do not belong in the config file; list files holding one token each in github.token_files"},
		{"token_files not a list", "github:\n  token_files: " + tok1 + "\n", "fundwatch.yaml:2: github.token_files: must be a list of files that hold one token each, got "},
		{"token_files empty item", "github:\n  token_files: ['']\n", "fundwatch.yaml:2: github.token_files[0]: must not be empty"},
		{"token_files missing", "github:\n  token_files: [/nonexistent/t]\n", "fundwatch.yaml:2: github.token_files[0]: open /nonexistent/t: no such file or directory"},
		{"token_files numbered as written", "github:\n  token_files: ['', /nonexistent/t]\n", "fundwatch.yaml:2: github.token_files[1]: open /nonexistent/t: no such file or directory"},
		{"token_files listed twice", "github:\n  token_files:\n    - " + tok1 + "\n    - " + tok1 + "\n", "fundwatch.yaml:4: github.token_files[1]: " + tok1 + " is listed twice (first at line 3)"},
		{"same token as token_file", "github:\n  token_file: " + tok1 + "\n  token_files: [" + same + "]\n", "fundwatch.yaml:3: github.token_files[0]: " + same + " holds the same token as github.token_file; list each token once"},
		{"app not a mapping", "github:\n  app: 12\n", `fundwatch.yaml:2: github.app: must be a mapping with app_id, installation_id and private_key_file, got the integer "12"`},
		{"app_id not a number", app("    app_id: abc\n    installation_id: 2\n    private_key_file: " + pem + "\n"), `fundwatch.yaml:3: github.app.app_id: must be a positive whole number (the App ID, on the App's settings page), got "abc"`},
		{"installation_id negative", app("    app_id: 1\n    installation_id: -2\n    private_key_file: " + pem + "\n"), `fundwatch.yaml:4: github.app.installation_id: must be a positive whole number`},
		{"app key missing", app("    app_id: 1\n    private_key_file: " + pem + "\n"), "fundwatch.yaml:3: github.app.installation_id: is required"},
		{"private key inline", app(ids + "    private_key: |\n      -----BEGIN RSA PRIVATE KEY-----\n"), "github.app.private_key: the private key does not belong in the config file; set github.app.private_key_file"},
		{"private key unreadable", app(ids + "    private_key_file: /nonexistent/app.pem\n"), "fundwatch.yaml:5: github.app.private_key_file: open /nonexistent/app.pem: no such file or directory"},
		{"private key not PEM", app(ids + "    private_key_file: " + notPEM + "\n"), "github.app.private_key_file: " + notPEM + " is not a PEM file"},
		{"private key ECDSA", app(ids + "    private_key_file: " + ecPEM + "\n"), "github.app.private_key_file: " + ecPEM + " holds an ECDSA key; GitHub Apps sign with RSA keys"},
		{"private key a certificate", app(ids + "    private_key_file: " + cert + "\n"), `github.app.private_key_file: ` + cert + ` holds a "CERTIFICATE" PEM block, not an RSA private key`},
		{"private key broken", app(ids + "    private_key_file: " + brokenRSA + "\n"), "github.app.private_key_file: " + brokenRSA + ": the RSA PRIVATE KEY block does not parse as a key"},
		{"app unknown key", app(ids + "    private_key_file: " + pem + "\n    client_id: x\n"), "fundwatch.yaml:6: github.app.client_id: unknown key (known: app_id, installation_id, private_key_file)"},
		{"pacing unknown key", "github:\n  pacing: {reserv: 0.1}\n", "github.pacing.reserv: unknown key (known: max_in_flight, pace_below, reserve, max_wait); did you mean reserve?"},
		{"max_in_flight zero", "github:\n  pacing: {max_in_flight: 0}\n", `github.pacing.max_in_flight: must be a whole number from 1 to 100, got the integer "0"`},
		{"pace_below zero", "github:\n  pacing: {pace_below: 0}\n", `github.pacing.pace_below: must be a share above 0 to 1 (0.02 is 2%), got the integer "0"`},
		{"reserve a percentage", "github:\n  pacing: {reserve: 2%}\n", `github.pacing.reserve: must be a share from 0 to 0.5 (0.02 is 2%), got "2%"`},
		{"reserve too big", "github:\n  pacing: {reserve: 0.9}\n", `github.pacing.reserve: must be a share from 0 to 0.5`},
		{"max_wait without unit", "github:\n  pacing: {max_wait: 60}\n", `github.pacing.max_wait: must be a duration with a unit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseT(src, []byte(tt.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "ghp_one") {
				t.Errorf("error reveals a token: %v", err)
			}
		})
	}
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// Neither the tokens of token_files nor the App's key appear in any
// message or any rendering of the Config.
func TestCredentialsNeverInMessages(t *testing.T) {
	t.Parallel()
	const tok = "ghp_S3cretT0kenValue0123456789abcdefXYZ"
	tokFile := writeFile(t, "tok", tok+"\n")
	twice := writeFile(t, "twice", tok+"\n")
	keyPEM := rsaKeyPEM(t, false)
	keyFile := writeFile(t, "app.pem", string(keyPEM))
	keyLine := strings.Split(string(keyPEM), "\n")[3]
	for _, yml := range []string{
		"github:\n  token_files: [" + tokFile + ", " + twice + "]\n",
		"github:\n  token_files: [" + tokFile + "]\n  " + tok + ": 1\n",
		"github:\n  app: {app_id: 1, installation_id: 2, private_key_file: " + keyFile + ", " + keyLine[:40] + ": x}\n",
	} {
		_, err := parseT(src, []byte(yml), nil)
		if err == nil {
			t.Fatalf("parseT(%q) succeeded", yml)
		}
		if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), tok[:20]) {
			t.Errorf("error reveals the token:\n%v", err)
		}
	}
	cfg, err := parseT(src, []byte("github:\n  token_files: ["+tokFile+"]\n  app: {app_id: 1, installation_id: 2, private_key_file: "+keyFile+"}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(append(cfg.Warnings, renderings(cfg)...), renderings(cfg.GitHub.Credentials())...) {
		if strings.Contains(s, tok) || strings.Contains(s, keyLine) {
			t.Errorf("reveals a secret: %.300s", s)
		}
	}
}
