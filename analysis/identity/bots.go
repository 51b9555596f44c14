package identity

import (
	_ "embed"
	"strings"
)

//go:embed bots.txt
var botsTxt string

// knownBots are automation accounts without the "[bot]" suffix.
var knownBots = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(botsTxt, "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			m[l] = true
		}
	}
	return m
}()

// IsBot reports whether an account or commit identity is automation: a
// "[bot]" login or noreply address, an account of type Bot, a known
// automation account, or a name that says so. web-flow, GitHub's committer
// for merges made in the web interface, counts as a system account too: it
// records a button press, not work.
func IsBot(login, email, name, accountType string) bool {
	login = strings.ToLower(strings.TrimSpace(login))
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.ToLower(strings.TrimSpace(name))
	switch {
	case accountType == "Bot":
		return true
	case strings.HasSuffix(login, "[bot]"), strings.HasSuffix(login, "-bot"), knownBots[login]:
		return true
	case strings.Contains(email, "[bot]@"), email == "noreply@github.com", email == "action@github.com":
		return true
	case knownBots[NoreplyLogin(email)]:
		return true
	case strings.HasSuffix(name, "[bot]"), knownBots[name]:
		return true
	}
	local, _, _ := strings.Cut(email, "@")
	return knownBots[local] || botLocalPart(local)
}

// botLocalPart recognises automation by the local part of its address:
// tensorflow-bot@, k8s-ci-robot@, release_bot@, copybara-worker@. A word
// that only ends in "bot" (abbot@) is a person.
func botLocalPart(local string) bool {
	for _, w := range botWords {
		if strings.HasSuffix(local, w.suffix) || strings.HasPrefix(local, w.prefix) {
			return true
		}
	}
	return local == "bot" || local == "robot" || strings.HasPrefix(local, "copybara-")
}

// botWords are "-bot", "bot-" and the like, made once: IsBot runs for
// every commit of every analysis.
var botWords = func() []struct{ suffix, prefix string } {
	var out []struct{ suffix, prefix string }
	for _, sep := range []string{"-", "_", "."} {
		for _, word := range []string{"bot", "robot", "bots"} {
			out = append(out, struct{ suffix, prefix string }{sep + word, word + sep})
		}
	}
	return out
}()
