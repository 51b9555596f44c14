package scenario

import "time"

// The tuning numbers of the simulation: how often each thing happens when
// a scenario does not say. They shape every generated world, so changing
// one changes the demo and its golden files. The RNG draws stay as they
// were when these were inline, so naming them changed nothing.

// Addresses a commit is made from (person.email).
const (
	paidCorporateMail   = 0.86 // paid work from the employer's address
	paidPersonalMail    = 0.95 // ... from a personal one (cumulative); the rest from the noreply address
	unpaidSecondaryMail = 0.20 // unpaid work from a secondary personal address
	unpaidPersonalMail  = 0.85 // ... from the main personal address (cumulative); the rest noreply
	crowdPublicEmail    = 0.30 // crowd members whose profile shows their address
)

// When in the day and week people work (place).
const (
	habitKept        = 0.9 // commits that follow the person's habit (office or evening)
	eveningAtWeekend = 0.4 // an evening person's commits made at the weekend
)

// How work spreads over a crew: its i-th member does 1/i^crewShareExponent
// as much as the first (a Zipf-like tail, as in real projects).
const crewShareExponent = 0.8

// Pull requests.
const (
	unmergedDraft   = 0.2 // pull requests nobody can merge yet that are drafts
	reviewed        = 0.7 // merges by someone else preceded by a review comment
	reviewFrom      = 0.2 // the review comes between these fractions of the time to merge
	reviewSpan      = 0.6
	reviewAnswered  = 0.3 // reviews the author answers
	mergedInWeb     = 0.5 // merges committed by web-flow (the web interface's button)
	defaultRejected = 0.1 // contributions turned down (pulls.rejected)
)

// Issues.
const (
	labelled           = 0.6 // issues labelled with their kind
	secondLabel        = 0.3 // ... and with a second label
	defaultAnswered    = 0.9 // issues someone answers (issues.answered)
	solvedByReporter   = 0.05
	reporterReplies    = 0.5 // answers the reporter replies to
	reporterReplyAfter = 20 * time.Hour
	followedUp         = 0.4 // replies the responder answers again
	defaultClosed      = 0.8 // answered issues closed (issues.close)
	defaultCloseAfter  = 48 * time.Hour
	lockedOnClose      = 0.02
)

// Releases.
const (
	firstReleaseFrom = 0.2  // the first release of a phase comes after this fraction of its period
	releaseJitter    = 0.25 // each next one after the period ± this fraction
	majorRelease     = 0.03 // releases that bump the major version
	minorRelease     = 0.3  // ... the minor one (cumulative); the rest are patches
)
