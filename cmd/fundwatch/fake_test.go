package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// demoWorldEnd is the "now" of the demo world the command tests collect
// from.
var demoWorldEnd = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// demoFake is a fake GitHub serving the demo world, its clock at the
// world's end; the caller serves it (directly, or wrapped).
func demoFake(t *testing.T) *githubfake.Server {
	t.Helper()
	world, err := scenario.Demo(demoWorldEnd)
	if err != nil {
		t.Fatal(err)
	}
	return githubfake.New(world, githubfake.Options{Now: func() time.Time { return demoWorldEnd }})
}

// restConfig writes a config in a new directory that reads apiURL over
// REST only (no git mirrors) into a store beside it, watching repos; it
// returns the config's and the store's paths.
func restConfig(t *testing.T, apiURL string, repos ...string) (cfg, db string) {
	t.Helper()
	dir := t.TempDir()
	cfg, db = filepath.Join(dir, "fw.yaml"), filepath.Join(dir, "fw.db")
	var b strings.Builder
	fmt.Fprintf(&b, "github:\n  api_url: %s/\nstore:\n  path: %s\ncollection:\n  git: false\nwatch:\n", apiURL, db)
	for _, r := range repos {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg, db
}
