package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/store"
)

// crashRepos are the demo repositories the crash test collects: enough
// stories (corporate, exit, volunteer, abandoned) to exercise every
// collector, few enough for a kill loop in CI.
var crashRepos = []string{"fastjson/fastjson", "mkessler/tinyyaml", "ptrenton/legacy-xml", "nsorensen/units"}

// TestCrashSafety kills `fundwatch collect` with SIGKILL at random requests
// of a sync, many times, restarting it each time; after every kill SQLite's
// integrity check passes, and once a run completes the store holds exactly
// what a clean, uninterrupted collection holds: nothing lost, nothing
// duplicated.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	world, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	fake := githubfake.New(world, githubfake.Options{Now: func() time.Time { return end }})
	// Kills land at points of the sync the test observes, not after a
	// guessed delay: the killAt-th request to the fake (REST, GraphQL or
	// git) kills the running collect while that request is in flight.
	var (
		requests, killAt atomic.Int64 // killAt 0: never
		fired            atomic.Bool
		victim           atomic.Pointer[os.Process]
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if k := killAt.Load(); k > 0 && n >= k && fired.CompareAndSwap(false, true) {
			if p := victim.Load(); p != nil {
				_ = p.Signal(syscall.SIGKILL)
			}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	const token = "ghp_crashtest0000000000000000000000000000"

	config := func(name string) (cfgPath, dbPath string) {
		dbPath = filepath.Join(dir, name+".db")
		var b strings.Builder
		fmt.Fprintf(&b, "github:\n  api_url: %s/\nstore:\n  path: %s\nwatch:\n", srv.URL, dbPath)
		for _, r := range crashRepos {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
		cfgPath = filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(cfgPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return cfgPath, dbPath
	}
	collect := func(cfg string) *exec.Cmd {
		cmd := exec.Command(binary, "collect", "--config", cfg, "--log.level", "warn")
		cmd.Env = append(os.Environ(), "GITHUB_TOKEN="+token)
		return cmd
	}
	dump := func(db string) string {
		st, err := store.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.IntegrityCheck(context.Background()); err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		var b bytes.Buffer
		if err := st.Dump(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	// The reference: one clean run, counted to place the kills.
	cleanCfg, cleanDB := config("clean")
	requests.Store(0)
	if out, err := collect(cleanCfg).CombinedOutput(); err != nil {
		t.Fatalf("clean collect: %v\n%s", err, out)
	}
	full := requests.Load()
	want := dump(cleanDB)

	// Kill a sync at random points, many times. Each restart resumes from
	// what the store holds (cursors, ETags), so later kills land in later
	// phases of the sync too.
	crashCfg, crashDB := config("crash")
	rng := rand.New(rand.NewPCG(1, 2))
	kills, completed := 0, 0
	// A resumed sync makes fewer requests, so the kill points shrink with
	// the kills; keep going until 10 kills landed (or 30 attempts).
	for i := 0; kills < 10 && i < 30; i++ {
		cmd := collect(crashCfg)
		killAt.Store(0)
		fired.Store(false)
		requests.Store(0)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		victim.Store(cmd.Process)
		killAt.Store(1 + rng.Int64N(max(1, full/int64(2+kills/3))))
		err := cmd.Wait()
		victim.Store(nil)
		switch {
		case fired.Load():
			kills++
		case err != nil:
			t.Fatalf("run %d ended on its own with %v", i, err)
		default:
			completed++
		}
		// Between kills the database is consistent.
		if _, err := os.Stat(crashDB); err == nil {
			st, err := store.Open(crashDB)
			if err != nil {
				t.Fatalf("after kill %d: %v", kills, err)
			}
			if err := st.IntegrityCheck(context.Background()); err != nil {
				t.Fatalf("after kill %d: %v", kills, err)
			}
			st.Close()
		}
	}
	// Then let one run finish.
	if out, err := collect(crashCfg).CombinedOutput(); err != nil {
		t.Fatalf("final collect after %d kills: %v\n%s", kills, err, out)
	}
	got := dump(crashDB)
	t.Logf("%d kills (at random requests of a %d-request sync), %d runs finished before their kill; final store %d bytes of dump", kills, full, completed, len(got))
	if kills < 8 {
		t.Errorf("only %d kills landed; the test did not exercise crashes", kills)
	}
	if got != want {
		t.Errorf("the store after crashes differs from a clean run's:\n%s", firstDiff(got, want))
	}
	// And it holds the scenario's truth: every commit once.
	for _, r := range world.Repos {
		for _, name := range crashRepos {
			if r.FullName() == name {
				if n := strings.Count(got, "\t\""+strings.ToLower(name)+"\"\t") + strings.Count(got, "\""+strings.ToLower(name)+"\"\t\""+name+"\""); n == 0 {
					t.Errorf("nothing of %s in the store", name)
				}
			}
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(al), len(bl))
}
