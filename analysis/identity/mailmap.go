package identity

import (
	"fmt"
	"strings"
)

// Mailmap is a parsed git .mailmap. Only e-mail mapping matters here:
// names are never identity.
type Mailmap struct {
	byEmail     map[string]string // commit e-mail → proper e-mail
	byNameEmail map[string]string // "name\x00commit e-mail" → proper e-mail
}

// ParseMailmap parses the four forms of gitmailmap(5):
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
//
// Errors name the file and line.
func ParseMailmap(name string, data []byte) (*Mailmap, error) {
	m := &Mailmap{byEmail: map[string]string{}, byNameEmail: map[string]string{}}
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var (
			names  []string
			emails []string
			rest   = line
		)
		for rest != "" {
			open := strings.IndexByte(rest, '<')
			if open < 0 {
				return nil, fmt.Errorf("%s:%d: text after the last <e-mail>: %q", name, i+1, strings.TrimSpace(rest))
			}
			close := strings.IndexByte(rest[open:], '>')
			if close < 0 {
				return nil, fmt.Errorf("%s:%d: unclosed <", name, i+1)
			}
			names = append(names, strings.TrimSpace(rest[:open]))
			emails = append(emails, strings.ToLower(strings.TrimSpace(rest[open+1:open+close])))
			rest = strings.TrimSpace(rest[open+close+1:])
		}
		switch len(emails) {
		case 1:
			// "Proper Name <commit@email>": fixes a name only.
		case 2:
			proper, commit := emails[0], emails[1]
			if proper == "" || commit == "" {
				return nil, fmt.Errorf("%s:%d: empty e-mail", name, i+1)
			}
			if names[1] != "" {
				m.byNameEmail[strings.ToLower(names[1])+"\x00"+commit] = proper
			} else {
				m.byEmail[commit] = proper
			}
		default:
			return nil, fmt.Errorf("%s:%d: want one or two <e-mail>s, got %d", name, i+1, len(emails))
		}
	}
	return m, nil
}

// canonical returns the proper e-mail for a commit's name and e-mail, or "".
func (m *Mailmap) canonical(name, email string) string {
	email = strings.ToLower(email)
	if p, ok := m.byNameEmail[strings.ToLower(strings.TrimSpace(name))+"\x00"+email]; ok {
		return p
	}
	return m.byEmail[email]
}
