package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fundwatch/fundwatch/analysis/responsiveness"
)

// Responsiveness of a window that starts before the issues were collected
// (a first sync's floor) is absent and said unavailable, never zero; the
// releases, collected whole, are still exported.
func TestResponsivenessBeforeTheFloorIsNoSeries(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	release := at.Add(-20 * 24 * time.Hour)
	for _, tt := range []struct {
		name  string
		known bool
	}{{"issues collected back to the window", true}, {"issues collected from a later floor", false}} {
		t.Run(tt.name, func(t *testing.T) {
			rs := &responsiveness.Stats{Window: 90 * 24 * time.Hour, ReleasesInWindow: 1, LastRelease: release, IssuesKnown: tt.known}
			if tt.known {
				rs.Backlog, rs.BacklogBefore = 4, 2
				rs.BacklogGrowth = responsiveness.Value{V: 1, OK: true}
				rs.FirstResponseMedianSeconds = responsiveness.Value{V: 3600, OK: true}
			}
			snap := testSnapshot()
			a := *snap.Repos[0].Analysis
			a.Responsiveness, a.ResponsivenessYear = rs, rs
			snap.Repos[0].Analysis = &a
			s := allFamilies()
			s.Update(snap)
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(s)
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			value := func(family string, labels map[string]string) (float64, bool) {
				for _, mf := range mfs {
					if mf.GetName() != family {
						continue
					}
				metrics:
					for _, m := range mf.GetMetric() {
						for _, lp := range m.GetLabel() {
							if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
								continue metrics
							}
						}
						return m.GetGauge().GetValue(), true
					}
				}
				return 0, false
			}
			repo := map[string]string{"repo": "acme/widget"}
			want := map[string]bool{
				"fundwatch_repo_backlog":                        tt.known,
				"fundwatch_repo_backlog_growth_ratio":           tt.known,
				"fundwatch_repo_first_response_seconds":         tt.known,
				"fundwatch_repo_last_release_timestamp_seconds": true,
				"fundwatch_repo_releases":                       true,
			}
			for family, present := range want {
				if _, ok := value(family, repo); ok != present {
					t.Errorf("%s present %v, want %v", family, ok, present)
				}
			}
			v, ok := value("fundwatch_repo_signal_available", map[string]string{"repo": "acme/widget", "signal": "responsiveness"})
			if !ok || (v == 1) != tt.known {
				t.Errorf("responsiveness available %v (%v), want %v", v, ok, tt.known)
			}
		})
	}
}
