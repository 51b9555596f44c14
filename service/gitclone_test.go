package service

import (
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghrepo"
)

func TestCloneURLs(t *testing.T) {
	for _, tc := range []struct{ api, want, err string }{
		{api: "https://api.github.com/", want: "https://github.com/curl/curl.git"},
		{api: "https://API.GitHub.com", want: "https://github.com/curl/curl.git"},
		{api: "https://ghe.example.com/api/v3/", want: "https://ghe.example.com/curl/curl.git"},
		{api: "http://127.0.0.1:8181/", want: "http://127.0.0.1:8181/curl/curl.git"},
		{api: "http://127.0.0.1:8181/prefix/", want: "http://127.0.0.1:8181/prefix/curl/curl.git"},
		{api: "ftp://example.com/", err: `github api url "ftp://example.com/": scheme must be http or https`},
	} {
		f, err := cloneURLs(tc.api)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: error %v, want %q", tc.api, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.api, err)
		}
		if got := f(ghrepo.MustParse("curl/curl")); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.api, got, tc.want)
		}
	}
}

// The config a service reads takes the change probe's defaults from the
// collectors, which own them.
func TestCollectionDefaultsAreTheCollectors(t *testing.T) {
	c := config.Default(ConfigOptions()...)
	if c.Collection.MaxSkip != collectors.DefaultMaxSkip || c.Collection.MaxSkipQuiet != collectors.DefaultMaxSkipQuiet {
		t.Errorf("config defaults %s/%s, collectors' %s/%s", c.Collection.MaxSkip, c.Collection.MaxSkipQuiet,
			collectors.DefaultMaxSkip, collectors.DefaultMaxSkipQuiet)
	}
}

// collection.issue_history reaches the collectors: unset is their default
// (what the analysis reads), "all" their whole history, a duration itself.
func TestIssueHistoryIsTheCollectors(t *testing.T) {
	for _, tc := range []struct{ config, want time.Duration }{
		{0, 0},
		{config.WholeIssueHistory, collectors.WholeHistory},
		{400 * 24 * time.Hour, 400 * 24 * time.Hour},
	} {
		if got := issueHistory(tc.config); got != tc.want {
			t.Errorf("collection.issue_history %s: collectors read %s, want %s", tc.config, got, tc.want)
		}
	}
	if c := config.Default(ConfigOptions()...); c.Collection.IssueHistory != 0 {
		t.Errorf("default collection.issue_history %s, want 0 (the collectors' default)", c.Collection.IssueHistory)
	}
}
