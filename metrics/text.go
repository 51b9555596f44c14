package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/common/model"
)

// The snapshot's exposition is written straight from the rendered series,
// the way kube-state-metrics writes each object's metric text, rather than
// through const metrics, a registry gather (a protobuf message per series)
// and expfmt: at 10,000 repositories that path took over 500 MiB and ten
// seconds or more for a million series. The bytes are the ones
// Gather+expfmt would write (text_test.go compares the two): families by
// name, empty ones left out, label pairs by label name, series in the
// order client_golang's Gather sorts them, values as expfmt formats them.

// textSink collects series for the text writer. A series costs its value
// and one small integer per label: label values are interned, since the
// same repository names, windows and classes recur across the families.
type textSink struct {
	families map[string]*textFamily
	ids      map[string]uint32
	strs     []string // by id
	// A series that cannot be written is left out and counted here, with
	// the first few reasons; the rest of the exposition is written. One bad
	// value must never cost every other series (a scrape that succeeds
	// with every fundwatch_repo_* series gone fires no alert at all).
	problems encodeProblems
}

// encodeProblems counts what the last encoding could not write as given,
// with the first few of each kind.
type encodeProblems struct {
	dropped, repaired           int // series left out; label values repaired (see cleanLabel)
	firstDropped, firstRepaired []string
}

const maxProblemsKept = 3

func (p *encodeProblems) drop(format string, args ...any) {
	p.dropped++
	if len(p.firstDropped) < maxProblemsKept {
		p.firstDropped = append(p.firstDropped, fmt.Sprintf(format, args...))
	}
}

func (p *encodeProblems) repair(family, label, value string) {
	p.repaired++
	if len(p.firstRepaired) < maxProblemsKept {
		// %.60q: the value may be the 300 KB one.
		p.firstRepaired = append(p.firstRepaired, fmt.Sprintf("%s{%s=%.60q}", family, label, value))
	}
}

// err summarises the problems, nil if there were none.
func (p encodeProblems) err() error {
	var parts []string
	if p.dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d series left out (%s)", p.dropped, strings.Join(p.firstDropped, "; ")))
	}
	if p.repaired > 0 {
		parts = append(parts, fmt.Sprintf("%d label values not valid UTF-8 or over %d bytes, repaired (%s)",
			p.repaired, MaxLabelValueBytes, strings.Join(p.firstRepaired, "; ")))
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "; "))
}

// textFamily holds one family's series, labels in label-name order.
type textFamily struct {
	name, help, typ string
	labels          []string // label names, sorted
	order           []int    // order[k] is the index in Family.Labels of labels[k]
	values          []float64
	ids             []uint32 // len(labels) per series
}

func newTextSink() *textSink {
	return &textSink{families: map[string]*textFamily{}, ids: map[string]uint32{}}
}

func (t *textSink) emit(f Family, v float64, labels ...string) {
	fam := t.families[f.Name]
	if fam == nil {
		var err error
		if fam, err = newTextFamily(f); err != nil {
			t.problems.drop("%v", err)
			return
		}
		t.families[f.Name] = fam
	}
	if len(labels) != len(fam.labels) {
		t.problems.drop("%s: %d label values for %d labels %q", f.Name, len(labels), len(fam.labels), f.Labels)
		return
	}
	// As NewConstMetric would refuse it. Values reach here cleaned (see
	// cleanLabels); this keeps the writer safe should one not be.
	for i, l := range labels {
		if !utf8.ValidString(l) {
			t.problems.drop("%s: label %s: value %q is not valid UTF-8", f.Name, f.Labels[i], l)
			return
		}
	}
	fam.values = append(fam.values, v)
	for _, i := range fam.order {
		id, ok := t.ids[labels[i]]
		if !ok {
			id = uint32(len(t.strs))
			t.ids[labels[i]] = id
			t.strs = append(t.strs, labels[i])
		}
		fam.ids = append(fam.ids, id)
	}
}

func newTextFamily(f Family) (*textFamily, error) {
	if descs[f.Name] == nil || f.Histogram {
		return nil, fmt.Errorf("%s: not a catalogued gauge or counter", f.Name)
	}
	// expfmt quotes names that are not legacy ones; the catalogue has
	// none, and the writer does not do it.
	for _, n := range append([]string{f.Name}, f.Labels...) {
		if !model.LegacyValidation.IsValidMetricName(n) {
			return nil, fmt.Errorf("%s: %q is not a legacy metric or label name", f.Name, n)
		}
	}
	fam := &textFamily{name: f.Name, help: helpEscaper.Replace(f.Help), typ: f.typeName(),
		labels: append([]string(nil), f.Labels...), order: make([]int, len(f.Labels))}
	for i := range fam.order {
		fam.order[i] = i
	}
	sort.Sort(byName{fam.labels, fam.order})
	return fam, nil
}

// byName sorts label names, carrying their original positions along.
type byName struct {
	names []string
	order []int
}

func (b byName) Len() int           { return len(b.names) }
func (b byName) Less(i, j int) bool { return b.names[i] < b.names[j] }
func (b byName) Swap(i, j int) {
	b.names[i], b.names[j] = b.names[j], b.names[i]
	b.order[i], b.order[j] = b.order[j], b.order[i]
}

// expfmt's escaping: HELP text escapes backslash and newline, label values
// the double quote too.
var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// textChunk is the size of the pieces the exposition is written in: no
// single allocation of the whole text, and none of the copying a growing
// buffer does (which briefly holds twice the text).
const textChunk = 1 << 20

// write appends the exposition of the collected series to w.
func (t *textSink) write(w *chunks) {
	// Ids become ranks: the interned values sorted, so that series compare
	// as integers, as Gather compares their label values as strings.
	byValue := make([]uint32, len(t.strs))
	for i := range byValue {
		byValue[i] = uint32(i)
	}
	slices.SortFunc(byValue, func(a, b uint32) int { return strings.Compare(t.strs[a], t.strs[b]) })
	rank := make([]uint32, len(t.strs))
	escaped := make([]string, len(t.strs))
	for r, id := range byValue {
		rank[id] = uint32(r)
		escaped[r] = valueEscaper.Replace(t.strs[id])
	}
	t.ids, t.strs = nil, nil

	names := make([]string, 0, len(t.families))
	for name, fam := range t.families {
		if len(fam.values) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fam := t.families[name]
		n := len(fam.labels)
		for i, id := range fam.ids {
			fam.ids[i] = rank[id]
		}
		perm := make([]int32, len(fam.values))
		for i := range perm {
			perm[i] = int32(i)
		}
		key := func(i int32) []uint32 { return fam.ids[int(i)*n : int(i)*n+n] }
		// A stable sort keeps the first of series rendered twice first.
		slices.SortStableFunc(perm, func(a, b int32) int { return slices.Compare(key(a), key(b)) })
		kept := perm[:0]
		for i, p := range perm {
			// Gather refuses the same series twice; the writer keeps the
			// first and leaves the others out.
			if i > 0 && slices.Equal(key(perm[i-1]), key(p)) {
				var ls []string
				for k, id := range key(p) {
					ls = append(ls, fam.labels[k]+`="`+escaped[id]+`"`)
				}
				t.problems.drop("series %s{%s} rendered twice", name, strings.Join(ls, ","))
				continue
			}
			kept = append(kept, p)
		}
		perm = kept

		w.room(len(name)*2 + len(fam.help) + len(fam.typ) + 17)
		w.cur = append(w.cur, "# HELP "...)
		w.cur = append(w.cur, name...)
		w.cur = append(w.cur, ' ')
		w.cur = append(w.cur, fam.help...)
		w.cur = append(w.cur, "\n# TYPE "...)
		w.cur = append(w.cur, name...)
		w.cur = append(w.cur, ' ')
		w.cur = append(w.cur, fam.typ...)
		w.cur = append(w.cur, '\n')
		for _, i := range perm {
			ids := key(i)
			size := len(name) + 2 + maxFloatLen + 2
			for k, id := range ids {
				size += len(fam.labels[k]) + len(escaped[id]) + 4
			}
			w.room(size)
			b := append(w.cur, name...)
			for k, id := range ids {
				if k == 0 {
					b = append(b, '{')
				} else {
					b = append(b, ',')
				}
				b = append(b, fam.labels[k]...)
				b = append(b, `="`...)
				b = append(b, escaped[id]...)
				b = append(b, '"')
			}
			if n > 0 {
				b = append(b, '}')
			}
			b = append(b, ' ')
			b = appendFloat(b, fam.values[i])
			w.cur = append(b, '\n')
		}
		// Done with the family: let its series go before the next.
		t.families[name] = nil
	}
}

// maxFloatLen bounds strconv's shortest 'g' form of a float64
// (-2.2250738585072014e-308).
const maxFloatLen = 24

// appendFloat formats v as expfmt's writeFloat does. Negative zero equals
// zero, so it is written "0", as there.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case v == 1:
		return append(b, '1')
	case v == 0:
		return append(b, '0')
	case v == -1:
		return append(b, "-1"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// chunks is text held in pieces of about textChunk bytes, each ending at a
// line end.
type chunks struct {
	full [][]byte
	cur  []byte
}

// room makes sure n more bytes fit in the current piece.
func (c *chunks) room(n int) {
	if len(c.cur)+n <= cap(c.cur) {
		return
	}
	if len(c.cur) > 0 {
		c.full = append(c.full, c.cur)
	}
	c.cur = make([]byte, 0, max(textChunk, n))
}

// done returns the text, piece by piece.
func (c *chunks) done() [][]byte {
	if len(c.cur) > 0 {
		c.full, c.cur = append(c.full, c.cur), nil
	}
	return c.full
}
