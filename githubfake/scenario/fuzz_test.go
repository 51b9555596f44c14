package scenario

import (
	"testing"
	"time"
)

// FuzzParse checks that no input makes Parse or Expand panic, and that
// whatever Parse accepts, Expand accepts too.
func FuzzParse(f *testing.F) {
	f.Add([]byte(header + validRepo("      - {from: -12mo, contributors: [{person: alice, rate: 5}, {crowd: users, rate: 2}], issues: {rate: 2, authors: [users], responders: [alice], response: 1d}, releases: {every: 3mo}}\n")))
	f.Add([]byte(header + validRepo("      - {from: -12mo, to: -3mo}\n      - {from: -6mo}\n")))
	f.Add([]byte("name: t\nyears: 1\npeople: [{login: x, utc: '+5:30', employment: [{employer: e, from: -1y}]}]\n"))
	f.Add(demoYAML)
	end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		if len(spec.Repos) > 3 || spec.Years > 5 || (spec.Start.Set && spec.Start.Months < -60) {
			return // keep each run small
		}
		for _, c := range spec.Crowds {
			if c.Count > 1000 {
				return
			}
		}
		for _, r := range spec.Repos {
			for _, p := range r.Phases {
				for _, c := range p.Contributors {
					if c.Rate > 100 {
						return
					}
				}
				if p.Issues.Rate > 100 || (p.Releases.Every.Set && p.Releases.Every.D < 7*24*time.Hour) {
					return
				}
			}
		}
		if _, err := Expand(spec, end); err != nil {
			t.Fatalf("Parse accepted what Expand rejects: %v", err)
		}
	})
}
