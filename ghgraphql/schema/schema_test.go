package schema

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// publishedSHA256 is the SHA-256 of schema.graphql as published in
// octokit/graphql-schema at commit 82ff2d4780080e6929ebb95608cefa22dfa05ac7
// (see schema.go): the embedded copy must be that file, byte for byte, and
// an update changes both.
const publishedSHA256 = "3c62d0526d133cee53221c89de9b455ade24db78b9e7ad56d642c4c15bce2654"

func TestEmbeddedCopyIsIdentical(t *testing.T) {
	t.Parallel()
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(SDL))); got != publishedSHA256 {
		t.Fatalf("embedded schema.graphql has SHA-256 %s, not the published file's %s: copy it again, or record the new commit and hash", got, publishedSHA256)
	}
}

func TestLoadRepairsOnlyIdenticalDuplicates(t *testing.T) {
	t.Parallel()
	if _, err := Schema(); err != nil {
		t.Fatal(err)
	}
	// The published SDL repeats two fields of EnterpriseOwnerInfo; a new
	// schema with more repairs deserves a look, not a silent pass.
	if r := Repairs(); len(r) != 2 || !strings.HasPrefix(r[0], "EnterpriseOwnerInfo.repositoryDeployKeySetting ") {
		t.Errorf("Repairs() = %q", r)
	}
	if _, _, err := load("type Query { a: Int\n a: String }"); err == nil || !strings.Contains(err.Error(), "Query.a declared twice with different types") {
		t.Errorf("conflicting duplicate: err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, want string // want "" = valid
	}{
		{"sponsors", `query($l: String!) {
  rateLimit { cost remaining resetAt limit used nodeCount }
  a: repositoryOwner(login: $l) {
    __typename login
    ... on Sponsorable {
      hasSponsorsListing
      sponsorsListing { name activeGoal { kind targetValue percentComplete title description } }
      sponsors(first: 1) { totalCount }
      sponsorshipsAsMaintainer(first: 1, includePrivate: true) { totalCount }
    }
  }
}`, ""},
		{"probe", `{ repository(owner: "a", name: "b") { pushedAt updatedAt issues { totalCount } pullRequests { totalCount } releases { totalCount } } }`, ""},
		{"unknown field", `{ user(login: "x") {
  sponsorsListing { monthlyPriceInDollars_nonexistent }
} }`, `2:21: Cannot query field "monthlyPriceInDollars_nonexistent" on type "SponsorsListing".`},
		{"wrong argument", `{ user(login: "x") { sponsors(first: "ten") { totalCount } } }`, `1:39: Int cannot represent non-integer value: "ten"`},
		{"missing argument", `{ user { login } }`, `1:3: Field "user" argument "login" of type "String!" is required`},
		{"syntax", `{ user(login: "x") { login }`, `1:29: Expected Name, found <EOF>`},
		{"undeclared variable", `{ user(login: $who) { login } }`, `Variable "$who" is not defined`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tt.query)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want error containing %q", err, tt.want)
			}
		})
	}
}
