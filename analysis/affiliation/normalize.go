package affiliation

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
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
// pays them; they mark a volunteer. Keys are normalised (normalizeName);
// a few are also matched with spaces removed ("N.A." → "na").
var notCompanies = map[string]bool{
	"independent": true, "freelance": true, "freelancer": true, "self": true, "selfemployed": true, "self employed": true,
	"none": true, "na": true, "student": true, "retired": true, "unemployed": true,
	"personal": true, "home": true, "me": true, "myself": true, "hobbyist": true, "open source": true,
	"open source enthusiast": true, "volunteer": true, "private": true, "nobody": true,
}

// independentPrefixes start company texts that say nobody pays:
// "Independent consultant", "Freelance developer", "Self-employed".
var independentPrefixes = []string{"independent ", "freelance ", "freelancer ", "self employed ", "selfemployed ",
	"retired ", "student ", "unemployed "}

// noInformation are company texts that say nothing, not even that nobody
// pays: neither an employer nor independent.
var noInformation = map[string]bool{
	"unknown": true, "tbd": true, "undisclosed": true, "confidential": true, "various": true, "secret": true,
}

// formerPrefixes mark a past employer, which says nothing of today's.
var formerPrefixes = []string{"ex-", "ex @", "former ", "formerly ", "previously ", "prev. ", "past: "}

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

// splitCompanies splits a company field naming several ("@acme, ex-@globex",
// "@acme & @globex") into its parts, in order. "&" and "and" separate only
// when a side is an @-mention: "Procter & Gamble" is one company.
func splitCompanies(s string) []string {
	for _, sep := range []string{";", "|", " / ", " + "} {
		s = strings.ReplaceAll(s, sep, ",")
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		for _, sep := range []string{" & ", " and ", " AND ", " And "} {
			for {
				i := strings.Index(part, sep)
				if i < 0 {
					break
				}
				before, after := strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+len(sep):])
				if !strings.HasPrefix(before, "@") && !strings.HasPrefix(after, "@") {
					break
				}
				out = append(out, before)
				part = after
			}
		}
		out = append(out, strings.TrimSpace(part))
	}
	return out
}

// currentPart is the lower-cased company that counts in a field naming
// several ("@acme, ex-@globex"): the first that is not a past one.
func currentPart(s string) string {
	for _, part := range splitCompanies(s) {
		if l := strings.ToLower(part); l != "" && !former(l) {
			return l
		}
	}
	return ""
}

func former(lower string) bool {
	for _, p := range formerPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// hostOf turns URL-ish company texts into a host or a GitHub org mention:
// "https://www.acme.com/about" → "acme.com", "github.com/acme" → "@acme".
// Other text is returned as it is.
func hostOf(lower string) string {
	s := lower
	scheme := false
	for _, p := range []string{"https://", "http://"} {
		if strings.HasPrefix(s, p) {
			s, scheme = s[len(p):], true
		}
	}
	if strings.ContainsAny(s, " \t") {
		return lower
	}
	host, path, hasPath := strings.Cut(s, "/")
	if !scheme && (!hasPath || !strings.Contains(host, ".")) {
		return lower
	}
	host = strings.TrimPrefix(host, "www.")
	if host == "github.com" && hasPath {
		if org, _, _ := strings.Cut(path, "/"); org != "" {
			return "@" + org
		}
	}
	return host
}

// domainLike reports text that reads as a domain name: "acme.com",
// "acme.co.uk" (no spaces, a 2–6 character last label).
func domainLike(s string) bool {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || strings.ContainsAny(s, " \t@") {
		return false
	}
	tld := s[i+1:]
	return len(tld) >= 2 && len(tld) <= 6
}

// secondLevel are the labels under a country code that are not a name:
// acme.co.uk is Acme's.
var secondLevel = map[string]bool{"co": true, "com": true, "net": true, "org": true, "ac": true, "gov": true,
	"edu": true, "ne": true, "or": true, "gv": true}

// nameLabels drops a domain's public suffix: "mail.acme.co.uk" →
// [mail acme], "acme.com" → [acme]. A domain of one label is kept.
func nameLabels(d string) []string {
	parts := strings.Split(d, ".")
	if len(parts) < 2 {
		return parts
	}
	parts = parts[:len(parts)-1] // the TLD
	tld := d[strings.LastIndexByte(d, '.')+1:]
	if len(parts) > 1 && len(tld) == 2 && secondLevel[parts[len(parts)-1]] {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// NormalizeCompany turns what people write in a profile's company field
// into an employer id: "@google", "Google LLC", "Google, Inc.", "google.com",
// "https://www.google.com" and "GOOGLE" all give "google". It returns ""
// for empty text, for what says "no company" (see Independent), for text
// that says nothing ("Unknown") or names only a past employer ("ex-Google"),
// and for foundations, projects and personal-mail domains, which never
// employ in fundwatch's sense. Ids have only lower-case letters and digits,
// and NormalizeCompany(id) == id.
func NormalizeCompany(s string) string {
	// A company is a few words; a profile field of 300 KB must not become
	// a 300 KB employer label (nor a 300 KB key of the cache below).
	s = truncate(s, maxCompanyBytes)
	// Profiles repeat the same few company strings across thousands of
	// commits; normalising is pure, so remember the answers.
	if v, ok := normalized.Load(s); ok {
		return v.(string)
	}
	v := normalizeCompany(s)
	normalized.Store(s, v)
	return v
}

var normalized sync.Map // company text -> NormalizeCompany's answer

// maxCompanyBytes bounds the company text looked at (GitHub's profile
// form takes 255 characters; the API has been seen to return more).
const maxCompanyBytes = 256

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func normalizeCompany(s string) string {
	s = strings.TrimSpace(s)
	lower := currentPart(s)
	if lower == "" || isIndependent(lower) || isIndependent(strings.ToLower(s)) {
		return ""
	}
	lower = strings.TrimSpace(strings.TrimPrefix(hostOf(lower), "@"))
	if domainLike(lower) {
		if id, ok := lookupDomain(known.domains, lower); ok {
			return id
		}
		if IsFoundation(lower) || IsGenericProvider(lower) {
			return ""
		}
		// "acme-corp.io" → "acme corp"; "acme.co.uk" → "acme".
		lower = strings.Join(nameLabels(lower), " ")
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
	// "Procter and Gamble" is "Procter & Gamble".
	for i := 1; i < len(words)-1; i++ {
		if words[i] == "and" {
			words = append(words[:i:i], words[i+1:]...)
		}
	}
	n = strings.Join(words, " ")
	// Ids have no spaces, so "Umbrella Cloud" and "@umbrellacloud" meet.
	id := strings.Join(words, "")
	for _, k := range []string{n, id} {
		if e, ok := known.aliases[k]; ok {
			return e
		}
	}
	for _, k := range []string{strings.ReplaceAll(n, " ", "-"), id} {
		if e, ok := known.orgs[k]; ok {
			return e
		}
		if known.foundationOrgs[k] {
			return ""
		}
	}
	if notCompanies[id] || noInformation[id] {
		return ""
	}
	return id
}

// notEmployers end names of communities rather than companies.
var notEmployers = map[string]bool{
	"project": true, "projects": true, "foundation": true, "community": true, "maintainers": true,
	"contributors": true, "team": true, "org": true,
}

func isIndependent(lower string) bool {
	lower = strings.TrimSpace(strings.TrimPrefix(lower, "@"))
	switch lower {
	case "n/a", "-":
		return true
	}
	n := normalizeName(lower)
	if notCompanies[n] || notCompanies[strings.ReplaceAll(n, " ", "")] {
		return true
	}
	for _, p := range independentPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// Independent reports whether a profile's company text says nobody pays
// the person ("Freelance", "@self", "Student", "Independent consultant",
// ...).
func Independent(company string) bool {
	if v, ok := independent.Load(company); ok {
		return v.(bool)
	}
	v := isIndependentCompany(company)
	independent.Store(company, v)
	return v
}

var independent sync.Map // company text -> Independent's answer

func isIndependentCompany(company string) bool {
	c := strings.TrimSpace(company)
	if c == "" {
		return false
	}
	if isIndependent(strings.ToLower(c)) {
		return true
	}
	p := currentPart(c)
	return p != "" && isIndependent(p)
}
