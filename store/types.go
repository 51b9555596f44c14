package store

import "time"

// Repo is the collected metadata of one watched repository.
type Repo struct {
	FullName    string // "owner/name", as watched (lower-case is not forced)
	GitHubID    int64
	Description string
	Stars       int
	Forks       int
	Watchers    int
	OpenIssues  int // GitHub's open_issues_count: issues + PRs
	Archived    bool
	// ArchivedAt is when it was archived (GitHub GraphQL's archivedAt);
	// zero when not archived or not known.
	ArchivedAt    time.Time
	Disabled      bool
	Fork          bool
	DefaultBranch string
	License       string // SPDX id, "" when none
	OwnerType     string // "User" or "Organization"
	Language      string
	CreatedAt     time.Time
	PushedAt      time.Time
	UpdatedAt     time.Time
	// FundingYML is the raw .github/FUNDING.yml; HasFundingYML false = absent.
	FundingYML    string
	HasFundingYML bool
	// CollectedAt is when this row was last refreshed from GitHub.
	CollectedAt time.Time
}

// Commit is one commit on the default branch.
type Commit struct {
	Repo           string
	SHA            string
	AuthorName     string
	AuthorEmail    string
	AuthorLogin    string    // "" when GitHub links no account
	AuthorTime     time.Time // Store.Commits returns it in time.FixedZone(AuthorTZOffset) when AuthorTZKnown, else UTC
	AuthorTZKnown  bool      // REST reports UTC; git and GraphQL keep the offset
	AuthorTZOffset int       // minutes east of UTC, valid when AuthorTZKnown
	CommitterName  string
	CommitterEmail string
	CommitterLogin string
	CommitterTime  time.Time
	Parents        int
	Message        string // first line only
	// AuthorBot is set when the source itself says the author is
	// automation (e.g. a pseudonymised history's flag); identity rules
	// detect bots from logins, e-mails and names on top of it.
	AuthorBot bool
}

// Issue is an issue or pull request (IsPull).
type Issue struct {
	Repo      string
	Number    int
	IsPull    bool
	Title     string
	Author    string // login
	AuthorBot bool   // author account type is Bot
	State     string // "open" or "closed"
	Comments  int
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  time.Time // zero when open
	MergedAt  time.Time // zero when not merged or not a PR
}

// Comment is a conversation comment on an issue or pull request.
type Comment struct {
	Repo        string
	ID          int64
	IssueNumber int
	Author      string
	AuthorBot   bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Release is one release of a repository.
type Release struct {
	Repo        string
	ID          int64
	TagName     string
	Name        string
	Author      string
	Draft       bool
	Prerelease  bool
	CreatedAt   time.Time
	PublishedAt time.Time // zero for drafts
}

// User is a GitHub account profile.
type User struct {
	Login     string
	GitHubID  int64
	Type      string // "User", "Bot", "Organization"
	Name      string
	Company   string
	Email     string
	Location  string
	Blog      string
	CreatedAt time.Time
	Orgs      []string // public organisation memberships
	FetchedAt time.Time
}

// Cursor is the incremental position of one collector on one list endpoint
// of one repository: the `since` it asks for and the ETag of the first page of
// that exact request, so an unchanged list costs one 304 and no quota.
type Cursor struct {
	Repo     string // "owner/name", or "" for global scopes
	Endpoint string // e.g. "commits", "issues", "comments", "releases"
	Since    time.Time
	ETag     string
	// Floor is where the list's first read started: the store holds every
	// item changed at or after it, and nothing of those changed only
	// before it. Zero: the list was read from its beginning. SetCursor
	// records it with the cursor's first row and never moves it after;
	// only LowerFloor does, back.
	Floor time.Time
}

// ETag is a cached validator for one GET URL (path and query, no host).
type ETag struct {
	URL  string
	ETag string
}

// Run is one run of one collector.
type Run struct {
	Collector string
	Started   time.Time
	Finished  time.Time
	OK        bool
	Error     string // first error, "" when OK
	Repos     int    // repositories attempted
	Failed    int    // repositories that failed
}

// RepoStatus records, per repository and collector, the last attempt and the
// last success, so exported data can carry its age and a failure never
// erases what was collected before.
type RepoStatus struct {
	Repo        string
	Collector   string
	LastAttempt time.Time
	LastSuccess time.Time
	LastError   string
}
