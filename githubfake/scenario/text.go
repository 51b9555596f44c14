package scenario

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Word lists for generated people and texts. They are data, not logic: the
// generator only needs enough variety that the world does not look stamped.

var firstNames = []string{
	"Aarav", "Abebe", "Adaeze", "Ahmed", "Aiko", "Alejandro", "Alice", "Amara", "Ana", "Andrei",
	"Anika", "Arjun", "Ayesha", "Bea", "Ben", "Bilal", "Bogdan", "Camille", "Carlos", "Chen",
	"Chioma", "Chloe", "Dana", "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Erik", "Fatima",
	"Felix", "Finn", "Gabriel", "Grace", "Hana", "Hannah", "Haruto", "Hiroshi", "Ines", "Isabel",
	"Ivan", "Jakub", "James", "Jana", "Javier", "Ji-woo", "Jonas", "Julia", "Kai", "Kamala",
	"Karim", "Kate", "Kenji", "Kofi", "Lars", "Laura", "Lea", "Leila", "Leon", "Li",
	"Lucas", "Luis", "Maja", "Mamadou", "Marco", "Maria", "Mateo", "Mei", "Mia", "Mikhail",
	"Min-jun", "Nadia", "Nina", "Noah", "Nour", "Olga", "Omar", "Oskar", "Pablo", "Paula",
	"Pedro", "Priya", "Rafael", "Rahul", "Rania", "Ravi", "Rosa", "Ryo", "Sam", "Sara",
	"Sebastian", "Sina", "Sofia", "Sven", "Tariq", "Thomas", "Tomasz", "Uma", "Vera", "Victor",
	"Wei", "Yara", "Yusuf", "Zainab", "Zoe",
}

var lastNames = []string{
	"Abara", "Adeyemi", "Ahn", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castro",
	"Chowdhury", "Costa", "Dang", "Dubois", "Eriksson", "Fernandes", "Fischer", "Garcia", "Gupta", "Hansen",
	"Haddad", "Hoffmann", "Horvat", "Ivanova", "Jansen", "Jensen", "Kaur", "Khan", "Kim", "Kowalski",
	"Kumar", "Larsen", "Lee", "Lindqvist", "Liu", "Lopez", "Mahlangu", "Martin", "Meyer", "Moreau",
	"Mori", "Mwangi", "Nakamura", "Nguyen", "Novak", "Nowak", "Okafor", "Oliveira", "Osei", "Park",
	"Patel", "Pereira", "Petrov", "Popescu", "Quispe", "Rossi", "Sato", "Schmidt", "Silva", "Singh",
	"Smirnov", "Sousa", "Suzuki", "Tanaka", "Tran", "Van Dijk", "Vogel", "Wagner", "Wang", "Weber",
	"Wilson", "Wojcik", "Yamamoto", "Yilmaz", "Zhang", "Zhou",
}

var (
	verbs = []string{
		"Fix", "Add", "Update", "Remove", "Refactor", "Improve", "Document", "Handle",
		"Support", "Simplify", "Avoid", "Use", "Rename", "Clean up", "Speed up", "Test",
	}
	objects = []string{
		"nil pointer in decoder", "buffer pool reuse", "error messages for invalid input",
		"CI workflow", "README examples", "benchmarks for large inputs", "context cancellation",
		"TLS configuration", "UTF-8 handling", "Windows build", "flaky integration test",
		"config file loading", "retry backoff", "logging of request IDs", "memory leak in cache",
		"race in connection pool", "API docs", "deprecated options", "streaming parser",
		"timeout handling", "CLI flags", "changelog", "fuzz targets", "edge case with empty input",
		"option validation", "integer overflow on 32-bit", "escaping of special characters",
		"lock contention in writer", "metrics names", "examples directory", "default settings",
		"error wrapping", "go.mod / lockfile", "release script", "typo in comment",
	}
	scopes   = []string{"parser", "core", "cli", "docs", "ci", "api", "io", "build", "tests", "deps"}
	ccTypes  = []string{"fix", "feat", "refactor", "docs", "chore", "test", "perf"}
	problems = []string{
		"Crash when input is empty", "Panic on malformed header", "Memory usage grows without bound",
		"Wrong result for negative numbers", "Build fails on Alpine", "Timeout not respected",
		"Regression after upgrading", "Documentation example does not compile",
		"Slow with very large files", "Unicode characters are mangled", "Deadlock under load",
		"Error message is misleading", "Incorrect handling of trailing slash",
		"Segfault on ARM64", "Cannot install with latest toolchain",
	}
	wishes = []string{
		"Support for streaming mode", "Add an option to disable colors", "Expose metrics",
		"Allow custom logger", "Provide prebuilt binaries", "Add async API", "Support for proxies",
		"Configurable timeouts", "Better error types", "Plugin interface",
	}
	questions = []string{
		"How do I configure this behind a proxy?", "Is this project still maintained?",
		"What is the difference between v1 and v2?", "Can I use this in production?",
		"How to migrate from the old API?", "Is there a roadmap?",
	}
	responses = []string{
		"Thanks for the report! Can you share a minimal reproduction?",
		"Confirmed, I can reproduce this. Working on a fix.",
		"This is expected behaviour, see the docs section on configuration.",
		"Good idea. A PR would be welcome.",
		"Duplicate of an older issue; closing in favour of that one.",
		"Which version are you on? This was fixed in the latest release.",
		"Looks good to me, thanks!",
		"Could you add a test for this?",
	}
	replies = []string{
		"Thanks, that works for me.", "Here is a reproduction: run it with the attached config.",
		"I'm on the latest release.", "Any update on this?", "Updated, PTAL.",
	}
)

var deps = map[string][]string{
	"Go":         {"golang.org/x/net", "golang.org/x/sys", "github.com/stretchr/testify", "google.golang.org/grpc", "github.com/spf13/cobra"},
	"Rust":       {"serde", "tokio", "clap", "regex", "thiserror"},
	"JavaScript": {"eslint", "typescript", "webpack", "@babel/core", "jest"},
	"TypeScript": {"eslint", "typescript", "vitest", "@types/node", "prettier"},
	"Python":     {"pytest", "requests", "mypy", "black", "urllib3"},
	"C":          {"actions/checkout", "actions/cache", "github/codeql-action"},
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func commitMessage(rng *rand.Rand, style string) string {
	if style == "conventional" {
		return fmt.Sprintf("%s(%s): %s", pick(rng, ccTypes), pick(rng, scopes), strings.ToLower(pick(rng, verbs))+" "+pick(rng, objects))
	}
	return pick(rng, verbs) + " " + pick(rng, objects)
}

// versionPair is a dependency update: an old version and a newer one.
func versionPair(rng *rand.Rand) (from, to string) {
	maj, mnr, pat := rng.IntN(3)+1, rng.IntN(30), rng.IntN(12)
	from = fmt.Sprintf("%d.%d.%d", maj, mnr, pat)
	if rng.IntN(4) == 0 {
		return from, fmt.Sprintf("%d.%d.0", maj, mnr+1)
	}
	return from, fmt.Sprintf("%d.%d.%d", maj, mnr, pat+1+rng.IntN(3))
}

// botMessage is what each known bot writes.
func botMessage(rng *rand.Rand, login, lang string) string {
	d := deps[lang]
	if d == nil {
		d = deps["C"]
	}
	dep := pick(rng, d)
	from, to := versionPair(rng)
	switch {
	case strings.HasPrefix(login, "dependabot"):
		return fmt.Sprintf("Bump %s from %s to %s", dep, from, to)
	case strings.HasPrefix(login, "renovate"):
		return fmt.Sprintf("chore(deps): update %s to v%s", dep, to)
	default:
		return pick(rng, []string{
			"Update generated files", "chore: regenerate API docs", "Update CHANGELOG.md",
			"chore: sync workflow templates", "Update coverage badge",
		})
	}
}

func issueTitle(rng *rand.Rand) (title string, kind string) {
	switch r := rng.Float64(); {
	case r < 0.55:
		return pick(rng, problems), "bug"
	case r < 0.85:
		return pick(rng, wishes), "enhancement"
	default:
		return pick(rng, questions), "question"
	}
}

// mailLocal turns a display name into "first.last", falling back to login.
func mailLocal(name, login string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), ".") {
				b.WriteByte('.')
			}
		}
	}
	s := strings.Trim(b.String(), ".")
	if !strings.Contains(s, ".") {
		return strings.ToLower(strings.TrimSuffix(login, "[bot]"))
	}
	return s
}
