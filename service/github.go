package service

import (
	"context"
	"log/slog"
	"strings"

	"github.com/prometheus/common/version"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghclient"
)

// GitHubClient builds the GitHub client of a configuration: every
// configured credential (token, token files, App installation) in one
// pool, paced as configured; its retries and waits log to log. obs may be
// nil.
func GitHubClient(cfg *config.Config, obs ghclient.Observer, log *slog.Logger) (*ghclient.Client, error) {
	var creds []ghclient.Credential
	for _, c := range cfg.GitHub.Credentials() {
		gc := ghclient.Credential{Name: c.Name, Token: c.Token.Reveal()}
		if c.App != nil {
			gc.App = &ghclient.App{AppID: c.App.AppID, InstallationID: c.App.InstallationID, PrivateKey: []byte(c.App.PrivateKey.Reveal())}
		}
		creds = append(creds, gc)
	}
	opts := ghclient.Options{
		BaseURL:     cfg.GitHub.APIURL,
		Credentials: creds,
		Timeout:     cfg.GitHub.Timeout,
		UserAgent:   "fundwatch/" + version.Version,
		MaxInFlight: cfg.GitHub.Pacing.MaxInFlight,
		Logger:      log,
	}
	if obs != nil {
		opts.Observer = obs
	}
	if pc := cfg.GitHub.Pacing; pc != (config.Pacing{}) {
		opts.Pacing = &ghclient.Pacing{PaceBelow: pc.PaceBelow, Reserve: pc.Reserve, MaxWait: pc.MaxWait}
	}
	return ghclient.New(opts)
}

// identifyTokens asks GitHub who owns each token (one request each, only
// with several tokens) and has the tokens of one user spend one budget,
// as GitHub counts them.
func identifyTokens(ctx context.Context, gh *ghclient.Client, log *slog.Logger) {
	groups, err := gh.Pool().Identify(ctx)
	if err != nil {
		log.Warn("could not ask GitHub who owns each token; those are counted as budgets of their own", "err", err)
	}
	for _, g := range groups {
		log.Warn("these tokens belong to one GitHub user and share its rate limit: they are paced as one budget and add nothing to it",
			"credentials", strings.Join(g, ","))
	}
}
