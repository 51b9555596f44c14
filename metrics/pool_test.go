package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fundwatch/fundwatch/ghclient"
)

// Self follows each credential of the GitHub client's pool.
var _ ghclient.PoolObserver = (*Self)(nil)

func TestSelfFollowsCredentials(t *testing.T) {
	t.Parallel()
	self := NewSelf(nil)
	reg := prometheus.NewRegistry()
	self.register(reg)
	reset := time.Unix(1700000000, 0)
	self.RateLimit("core", 10000, 7000, reset)
	self.CredentialRateLimit("token", "core", 5000, 3000, reset)
	self.CredentialRateLimit("installation-42", "core", 5000, 4000, reset.Add(time.Minute))
	self.Pacing("token", "core", 1500*time.Millisecond)
	self.SecondaryLimit("token", time.Minute)
	self.Deferred("graphql")
	self.Deferred("graphql")
	want := `
# HELP fundwatch_github_credential_rate_limit_remaining ` + ghCredRemaining.Help + `
# TYPE fundwatch_github_credential_rate_limit_remaining gauge
fundwatch_github_credential_rate_limit_remaining{credential="installation-42",resource="core"} 4000
fundwatch_github_credential_rate_limit_remaining{credential="token",resource="core"} 3000
# HELP fundwatch_github_pacing_interval_seconds ` + ghPacing.Help + `
# TYPE fundwatch_github_pacing_interval_seconds gauge
fundwatch_github_pacing_interval_seconds{credential="token",resource="core"} 1.5
# HELP fundwatch_github_rate_limit_remaining ` + ghRemaining.Help + `
# TYPE fundwatch_github_rate_limit_remaining gauge
fundwatch_github_rate_limit_remaining{resource="core"} 7000
# HELP fundwatch_github_requests_deferred_total ` + ghDeferred.Help + `
# TYPE fundwatch_github_requests_deferred_total counter
fundwatch_github_requests_deferred_total{resource="graphql"} 2
# HELP fundwatch_github_secondary_limits_total ` + ghSecondary.Help + `
# TYPE fundwatch_github_secondary_limits_total counter
fundwatch_github_secondary_limits_total{credential="token"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"fundwatch_github_credential_rate_limit_remaining", "fundwatch_github_pacing_interval_seconds", "fundwatch_github_rate_limit_remaining",
		"fundwatch_github_requests_deferred_total", "fundwatch_github_secondary_limits_total"); err != nil {
		t.Error(err)
	}
}
