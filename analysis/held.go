package analysis

import (
	"sort"
	"time"
)

// Held signals. A threshold compared with a sliding window turns on and
// off as the window slides over an ordinary month: a project whose paid
// share hovers near 10%, or whose top person does 45–55% of the work,
// would page and un-page every few weeks, and an alert that flaps is
// muted within a week. So each window signal is a Schmitt trigger
// followed month by month through the history: it turns on where its
// threshold is crossed, and turns off only where its cause is clearly
// gone (a release threshold on the other side, judged on enough work).
// When there is too little work to judge, a signal that is on stays on
// (nothing showed its cause went away), and one that is off is
// unavailable. Employer exits are held the same way (exits.go), with
// their own, richer release rule.

// HeldState is one held signal as of an instant.
type HeldState struct {
	On bool `json:"on"`
	// Judged is false when the work at the instant was too little to
	// judge the signal; an On signal then holds from before.
	Judged bool `json:"judged"`
	// Since is the first instant of the monthly scan at which it was on
	// (zero when it is off).
	Since time.Time `json:"since,omitzero"`
}

// Available is whether the signal has a value: judged now, or on from
// before.
func (h HeldState) Available() bool { return h.On || h.Judged }

// verdict is what one instant says of a signal.
type verdict int8

const (
	cannotJudge verdict = iota // too little work: keep what was
	raise                      // the on threshold is crossed
	keep                       // between the thresholds: keep what was
	release                    // the cause is clearly gone
)

func (h *HeldState) step(t time.Time, v verdict) {
	h.Judged = v != cannotJudge
	switch v {
	case raise:
		if !h.On {
			h.On, h.Since = true, t
		}
	case release:
		h.On, h.Since = false, time.Time{}
	}
}

// heldSignals are the window signals followed through a history.
type heldSignals struct {
	VolunteerOnly HeldState
	BusFactorOne  HeldState
	Declining     HeldState // lifecycle: declining
	Active        HeldState // lifecycle: active (else stable)
}

// holdSignals follows the window signals month by month (the first of
// every calendar month after the first contribution, then at itself) and
// returns their state at at. Calendar months, not steps back from at, so
// analyses at different instants see the same past. affiliated is whether
// who pays can be told at all (profiles known): without it volunteer_only
// is never judged.
func holdSignals(cs []Contribution, at time.Time, affiliated bool, p *Params) heldSignals {
	var h heldSignals
	if len(cs) == 0 {
		h.Declining.Judged, h.Active.Judged = true, true // no work: neither declining nor active
		return h
	}
	recent, year, baseline := time.Duration(p.Windows.Recent), time.Duration(p.Windows.Year), time.Duration(p.Windows.Baseline)
	// Prefix counts: all[i], human[i], paid[i] over cs[:i].
	all := make([]int32, len(cs)+1)
	human := make([]int32, len(cs)+1)
	paid := make([]int32, len(cs)+1)
	for i, c := range cs {
		all[i+1], human[i+1], paid[i+1] = all[i]+1, human[i], paid[i]
		if c.Class != Bot {
			human[i+1]++
			if c.Class == Paid {
				paid[i+1]++
			}
		}
	}
	// index returns how many contributions are at or before t.
	index := func(t time.Time) int { return sort.Search(len(cs), func(i int) bool { return cs[i].Time.After(t) }) }
	// The year window's people, slid forward instant by instant.
	byPerson := map[string]int{}
	lo, hi := 0, 0
	step := func(t time.Time) {
		yFrom, yTo := index(t.Add(-year)), index(t)
		for ; hi < yTo; hi++ {
			if c := cs[hi]; c.Class != Bot && c.Person != "" {
				byPerson[c.Person]++
			}
		}
		for ; lo < yFrom; lo++ {
			if c := cs[lo]; c.Class != Bot && c.Person != "" {
				if byPerson[c.Person]--; byPerson[c.Person] == 0 {
					delete(byPerson, c.Person)
				}
			}
		}
		yearAll := int(all[yTo] - all[yFrom])
		yearHuman := int(human[yTo] - human[yFrom])
		yearPaid := int(paid[yTo] - paid[yFrom])
		bFrom := index(t.Add(-year - baseline))
		prevAll := int(all[yFrom] - all[bFrom])
		recentAll := int(all[yTo] - all[index(t.Add(-recent))])
		top := 0
		for _, n := range byPerson {
			top = max(top, n)
		}

		// volunteer_only: the paid share of the last year's human work.
		v := cannotJudge
		if affiliated && yearHuman >= p.VolunteerOnly.MinCommits {
			share := float64(yearPaid) / float64(yearHuman)
			v = keep
			switch {
			case share <= p.VolunteerOnly.MaxPaidShare:
				v = raise
			case share > p.VolunteerOnly.ReleasePaidShare:
				v = release
			}
		}
		h.VolunteerOnly.step(t, v)

		// bus_factor_one: one person made at least half of the year's
		// human commits. Raised on any work; released only on enough.
		v = cannotJudge
		if yearHuman > 0 {
			share := float64(top) / float64(yearHuman)
			v = keep
			switch {
			case 2*top >= yearHuman:
				v = raise
			case share < p.BusFactorOne.ReleaseTopShare && yearHuman >= p.BusFactorOne.MinCommitsToRelease:
				v = release
			}
		}
		h.BusFactorOne.step(t, v)

		// declining: the year's commits fell below declining_ratio of the
		// year before; the fall is over when the year is back at
		// declining_release_ratio of the year before (recovered, or
		// settled at its new level for a year), or at nothing.
		v = keep
		switch {
		case yearAll == 0:
			v = release // fallen silent: inert or abandoned now, a fall no more
		case prevAll >= p.Lifecycle.DecliningMinPrevious && float64(yearAll) < p.Lifecycle.DecliningRatio*float64(prevAll):
			v = raise
		case float64(yearAll) >= p.Lifecycle.DecliningReleaseRatio*float64(prevAll):
			v = release
		}
		h.Declining.step(t, v)

		// active: about one commit a week in the recent window; it stays
		// active until the pace is clearly lower.
		v = keep
		switch {
		case recentAll >= p.Lifecycle.ActiveMinCommitsRecent:
			v = raise
		case recentAll < p.Lifecycle.ActiveReleaseCommitsRecent:
			v = release
		}
		h.Active.step(t, v)
	}
	first := cs[0].Time.UTC()
	m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	for ; m.Before(at); m = m.AddDate(0, 1, 0) {
		step(m)
	}
	step(at)
	return h
}
