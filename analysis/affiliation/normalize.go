package affiliation

import (
	"strings"
	"unicode"
)

// legalSuffixes are dropped from company names: "Google LLC" is Google.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "corp": true, "corporation": true,
	"co": true, "company": true, "gmbh": true, "ag": true, "sa": true, "sas": true, "sarl": true, "bv": true, "nv": true,
	"ab": true, "as": true, "oy": true, "plc": true, "pty": true, "srl": true, "spa": true, "kk": true, "kft": true,
	"group": true, "holdings": true, "technologies": true, "systems": true, "software": true, "labs": true,
	"industries": true, "international": true, "the": true,
}

// notCompanies are what people write in the company field when no company
// pays them; they mark a volunteer.
var notCompanies = map[string]bool{
	"independent": true, "freelance": true, "freelancer": true, "self": true, "selfemployed": true, "self employed": true,
	"none": true, "n/a": true, "na": true, "-": true, "student": true, "retired": true, "unemployed": true,
	"personal": true, "home": true, "me": true, "myself": true, "hobbyist": true, "open source": true,
	"open source enthusiast": true, "volunteer": true, "private": true, "nobody": true,
}

// normalizeName lower-cases, keeps letters, digits and single spaces.
func normalizeName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// NormalizeCompany turns what people write in a profile's company field
// into an employer id: "@google", "Google LLC", "Google, Inc.", "google.com"
// and "GOOGLE" all give "google". It returns "" for empty text and for
// what says "no company" (see Independent).
func NormalizeCompany(s string) string {
	s = strings.TrimSpace(s)
	// A profile may name several ("@acme, ex-@globex"): the first counts.
	for _, sep := range []string{",", ";", "|", " / ", " and ", " & "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	lower := strings.ToLower(s)
	if isIndependent(lower) {
		return ""
	}
	// "acme.com" → "acme"; "acme-corp" → "acme corp".
	if i := strings.LastIndexByte(lower, '.'); i > 0 && !strings.Contains(lower, " ") {
		if tld := lower[i+1:]; len(tld) >= 2 && len(tld) <= 6 {
			if id, ok := known.domains[lower]; ok {
				return id
			}
			lower = lower[:i]
		}
	}
	n := normalizeName(lower)
	if id, ok := known.aliases[n]; ok {
		return id
	}
	words := strings.Fields(n)
	for len(words) > 1 && legalSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	for len(words) > 1 && legalSuffixes[words[0]] {
		words = words[1:]
	}
	if len(words) > 1 && notEmployers[words[len(words)-1]] {
		// "FastJSON project", "Apache Foundation": where people
		// contribute, not who pays them.
		return ""
	}
	n = strings.Join(words, " ")
	if id, ok := known.aliases[n]; ok {
		return id
	}
	if id, ok := known.orgs[strings.ReplaceAll(n, " ", "-")]; ok {
		return id
	}
	// Ids have no spaces, so "Umbrella Cloud" and "@umbrellacloud" meet.
	return strings.Join(words, "")
}

// notEmployers end names of communities rather than companies.
var notEmployers = map[string]bool{
	"project": true, "projects": true, "foundation": true, "community": true, "maintainers": true,
	"contributors": true, "team": true, "org": true,
}

func isIndependent(lower string) bool {
	lower = strings.TrimSpace(strings.TrimPrefix(lower, "@"))
	return notCompanies[lower] || notCompanies[normalizeName(lower)]
}

// Independent reports whether a profile's company text says nobody pays
// the person ("Freelance", "@self", "Student", "Independent", ...).
func Independent(company string) bool {
	c := strings.TrimSpace(company)
	return c != "" && isIndependent(strings.ToLower(c))
}
