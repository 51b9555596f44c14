// Package strictyaml decodes YAML into Go values strictly, naming the file,
// line and key path of every problem: "fundwatch.yaml:12:
// watch[3].tier: must be a string, got the integer "1" (quote it to make it
// a string)". yaml.v3's KnownFields names a line but not the path, and
// stops at the first problem; walking the node tree reports them all.
//
// It is the one decoder of every YAML file fundwatch reads (the config, the
// scenario files of githubfake, the analysis params and grants), so that they refuse
// the same mistakes with the same words:
//   - unknown keys, with the known ones and the closest ("did you mean
//     token_file?"); keys given twice, with the first one's line; merge
//     keys (<<) and keys that are not plain scalars;
//   - values of the wrong kind: a string field takes only a string (a
//     number or a boolean is more likely a mistake than a label), a bool
//     only true or false, a number only a number, a time.Duration only a
//     positive duration with a unit ("30s", not 30); a key with no value
//     where a scalar is expected ("leave the key out instead");
//   - a second YAML document.
//
// Decoding sets only what the YAML names, so decoding onto defaults
// overrides them field by field. Decoder.Lines records the line of every
// key path, for the checks a caller makes afterwards to point at.
//
// Struct fields are named by their yaml tags, and may say more:
//
//	want:"a list of files that hold one token each"  what a collection must be, for "must be ..., got ..."
//	refuse:"the token does not belong in the config file; ..."  a key refused with a reason, not listed as known
//
// Types that need more than that (one value of several shapes, keys from a
// registry) implement Unmarshaler and decode themselves with the Decoder's
// helpers, keeping its paths, lines and messages.
package strictyaml

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Error is one problem, located by file, line and key path.
type Error struct {
	File string
	Line int    // 0 when unknown
	Path string // e.g. repos[3].phases[1].contributors[0].person
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// MaxErrors caps how many problems Decode's error shows; a last line says
// how many more there are (Errors has them all).
const MaxErrors = 20

var yamlLineRE = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// Parse reads one YAML document into a node tree; a syntax error names the
// file and line. No document at all (empty text, only comments) gives a
// node of kind 0; a second document is an error, since it would be
// silently ignored.
func Parse(file string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; no file fundwatch
		// reads may crash the process.
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: file, Msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{}, nil
		}
		return nil, syntaxError(file, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, err)
	default:
		return nil, &Error{File: file, Line: next.Line, Msg: "a second YAML document; the file must hold one"}
	}
	return &root, nil
}

func syntaxError(file string, err error) *Error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: m[2]}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// Unmarshal parses data and decodes it into v, strictly.
func Unmarshal(file string, data []byte, v any) error {
	root, err := Parse(file, data)
	if err != nil {
		return err
	}
	return (&Decoder{File: file}).Decode(root, v)
}

// Unmarshaler is implemented by a type that decodes itself, for what tags
// cannot say: a value of several shapes, keys checked against a list
// known only at run time, a number with a range. n is the node as written
// (it may be an alias: Resolve follows it, and n.Line is where the value
// stands), possibly a null. Problems go to d.Errorf, nested values to
// d.DecodePath, so that they keep their paths and lines.
type Unmarshaler interface {
	DecodeStrict(d *Decoder, n *yaml.Node, path string)
}

// KeyNamer is implemented by a struct type whose keys are not called
// "key" in messages: a config file's sections ("unknown section").
type KeyNamer interface {
	KeyNoun() string
}

// Decoder fills Go values from node trees. Lines, if not nil, receives the
// line of every key path decoded (where its value is written: for an
// alias, the alias), for the checks a caller makes afterwards.
type Decoder struct {
	File  string
	Lines map[string]int
	errs  []*Error
}

// Decode fills the value v points to from n (a document or any node),
// setting only what n names: a struct field, map entry or list the YAML
// leaves out keeps its value, so decoding onto defaults overrides them. It
// returns the problems found (at most MaxErrors, then a count of the
// rest), joined, or nil.
func (d *Decoder) Decode(n *yaml.Node, v any) error {
	d.errs = nil
	d.decode(n, reflect.ValueOf(v).Elem(), "", "")
	errs := make([]error, 0, min(len(d.errs), MaxErrors+1))
	for i, e := range d.errs {
		if i == MaxErrors {
			errs = append(errs, &Error{File: d.File, Msg: fmt.Sprintf("%d more errors not shown", len(d.errs)-MaxErrors)})
			break
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// Errors returns every problem found so far, in the order found.
func (d *Decoder) Errors() []*Error { return d.errs }

// DecodePath decodes n into the value v points to as the value at path,
// for an Unmarshaler decoding its parts. want, if not "", says what a
// collection must be in "must be ..., got ..." ("a mapping" otherwise).
func (d *Decoder) DecodePath(n *yaml.Node, path, want string, v any) {
	d.decode(n, reflect.ValueOf(v).Elem(), path, want)
}

// Errorf records a problem at n's line (0 for a nil n) and path.
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{File: d.File, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Mapping checks that n is a mapping of unique, plain keys and calls fn
// for each key in order, with the key resolved and the value as written.
// A null n is an empty mapping (a section whose keys are all commented
// out). want says what n must be ("a mapping" when "").
func (d *Decoder) Mapping(n *yaml.Node, path, want string, fn func(key string, k, v *yaml.Node)) {
	n = Resolve(n)
	if IsNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "must be %s, got %s", cmp.Or(want, "a mapping"), Describe(n))
		return
	}
	first := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, path, "keys must be plain names, got %s", Describe(k))
			continue
		}
		kp := JoinPath(path, k.Value)
		if k.ShortTag() == "!!merge" {
			// yaml.v3 merges them when it decodes into values, not in
			// node trees; spelling the keys out keeps every line true.
			d.Errorf(k, kp, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if line, dup := first[k.Value]; dup {
			d.Errorf(k, kp, "defined twice (first at line %d)", line)
			continue
		}
		first[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// Unknown records the key k under path as not one of known, suggesting
// the closest when it looks like a typo of it. noun is what the keys are
// ("key", "section", "collector").
func (d *Decoder) Unknown(k *yaml.Node, path, noun string, known []string) {
	msg := fmt.Sprintf("unknown %s (known: %s)", noun, strings.Join(known, ", "))
	if s := suggest(k.Value, known); s != "" {
		msg += "; did you mean " + s + "?"
	}
	d.Errorf(k, JoinPath(path, k.Value), "%s", msg)
}

// Keys returns the keys the struct v (or what it points to) accepts, in
// the order its fields are declared: the order messages list them in.
// Refused keys are not among them.
func Keys(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return slices.Clone(fieldsOf(t).names)
}

// JoinPath extends a key path with a mapping key, quoting a key that is
// not a plain word so that the path reads unambiguously: github."time out".
func JoinPath(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			plain = false
			break
		}
	}
	if !plain {
		key = Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// Resolve follows an alias (*name) to the anchored node.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// IsNull reports a node that holds no value.
func IsNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// Describe says what a node is, for "got ..." in messages.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "no value"
		case "!!str":
			return Quote(n.Value)
		case "!!int":
			return "the integer " + Quote(n.Value)
		case "!!float":
			return "the number " + Quote(n.Value)
		case "!!bool":
			return "the boolean " + Quote(n.Value)
		case "!!timestamp":
			return "the timestamp " + Quote(n.Value)
		default:
			return "a " + Quote(n.ShortTag()) + " value"
		}
	}
	return "nothing"
}

// Quote quotes a value for a message, shortened so that one bad value
// cannot flood the log.
func Quote(s string) string {
	const max = 80
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

var (
	unmarshalerType     = reflect.TypeFor[Unmarshaler]()
	yamlUnmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
)

// decode fills v from n and reports whether it took a value: false for a
// null where nothing is set, or when n does not fit v. Problems inside a
// collection that fits are its children's, not its own.
func (d *Decoder) decode(n *yaml.Node, v reflect.Value, path, want string) bool {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return false
		}
		n = n.Content[0]
	}
	if path != "" && d.Lines != nil {
		d.Lines[path] = n.Line
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		v.Addr().Interface().(Unmarshaler).DecodeStrict(d, n, path)
		return true
	}
	if v.Kind() == reflect.Pointer {
		return d.pointer(n, v, path, want) // n as written, for its line
	}
	n = Resolve(n)
	if v.CanAddr() && v.Addr().Type().Implements(yamlUnmarshalerType) {
		if IsNull(n) {
			return false
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.Errorf(n, path, "%v", err)
			return false
		}
		return true
	}
	if v.Type() == durationType {
		return d.duration(n, v, path)
	}
	switch v.Kind() {
	case reflect.Struct:
		return d.structure(n, v, path, want)
	case reflect.Map:
		return d.mapping(n, v, path, want)
	case reflect.Slice:
		return d.list(n, v, path, want)
	case reflect.String:
		return d.scalar(n, v, path, "a string", "!!str")
	case reflect.Bool:
		return d.scalar(n, v, path, "true or false", "!!bool")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.scalar(n, v, path, "a whole number", "!!int")
	case reflect.Float32, reflect.Float64:
		return d.scalar(n, v, path, "a number", "!!int", "!!float")
	}
	// A type no file should hold: a mistake in the Go code, said as such.
	d.Errorf(n, path, "cannot decode into a %s", v.Type())
	return false
}

func (d *Decoder) structure(n *yaml.Node, v reflect.Value, path, want string) bool {
	if IsNull(n) {
		return false
	}
	fs := fieldsOf(v.Type())
	noun := "key"
	if kn, ok := v.Addr().Interface().(KeyNamer); ok {
		noun = kn.KeyNoun()
	}
	ok := n.Kind == yaml.MappingNode
	d.Mapping(n, path, want, func(key string, k, val *yaml.Node) {
		f, known := fs.byKey[key]
		switch {
		case !known:
			d.Unknown(k, path, noun, fs.names)
		case f.refuse != "":
			d.Errorf(k, JoinPath(path, key), "%s", f.refuse)
		default:
			d.decode(val, v.Field(f.index), JoinPath(path, key), f.want)
		}
	})
	return ok
}

func (d *Decoder) mapping(n *yaml.Node, v reflect.Value, path, want string) bool {
	if v.Type().Key().Kind() != reflect.String {
		d.Errorf(n, path, "cannot decode into a map keyed by %s", v.Type().Key())
		return false
	}
	if IsNull(n) {
		return false
	}
	if n.Kind == yaml.MappingNode && v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.Mapping(n, path, want, func(key string, _, val *yaml.Node) {
		// Decode onto the entry already there, so that an override of
		// one field of it keeps the others.
		elem := reflect.New(v.Type().Elem()).Elem()
		kv := reflect.ValueOf(key).Convert(v.Type().Key())
		if old := v.MapIndex(kv); old.IsValid() {
			elem.Set(old)
		}
		d.decode(val, elem, JoinPath(path, key), "")
		v.SetMapIndex(kv, elem)
	})
	return n.Kind == yaml.MappingNode
}

func (d *Decoder) list(n *yaml.Node, v reflect.Value, path, want string) bool {
	if IsNull(n) {
		return false
	}
	if n.Kind != yaml.SequenceNode {
		d.Errorf(n, path, "must be %s, got %s", cmp.Or(want, "a list"), Describe(n))
		return false
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i), "")
	}
	v.Set(s)
	return true
}

// pointer sets a pointer when its value is given: it stays nil for a
// null collection, and for a scalar that is null or does not fit (with
// the scalar's error), so that a pointer marks a value given and good.
func (d *Decoder) pointer(n *yaml.Node, v reflect.Value, path, want string) bool {
	nv := reflect.New(v.Type().Elem())
	if !v.IsNil() {
		nv.Elem().Set(v.Elem()) // decode onto what is there, as elsewhere
	}
	if !d.decode(n, nv.Elem(), path, want) {
		return false
	}
	v.Set(nv)
	return true
}

func (d *Decoder) scalar(n *yaml.Node, v reflect.Value, path, want string, tags ...string) bool {
	if n.Kind == yaml.ScalarNode && slices.Contains(tags, n.ShortTag()) {
		nv := reflect.New(v.Type())
		if n.Decode(nv.Interface()) == nil {
			v.Set(nv.Elem())
			return true
		}
	}
	hint := ""
	if v.Kind() == reflect.String && n.Kind == yaml.ScalarNode && !IsNull(n) {
		hint = " (quote it to make it a string)"
	}
	d.Errorf(n, path, "must be %s, got %s%s", want, Describe(n), hint)
	return false
}

// duration reads a time.Duration as Go writes it, with a unit: a bare 30
// could mean seconds or nanoseconds. Zero and negative spans are mistakes
// in every file fundwatch reads.
func (d *Decoder) duration(n *yaml.Node, v reflect.Value, path string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.Errorf(n, path, "must be a duration with a unit, like 30s or 2m; got %s", Describe(n))
		return false
	}
	dur, err := time.ParseDuration(n.Value)
	switch {
	case err != nil:
		d.Errorf(n, path, "%s is not a duration (like 30s or 2m)", Quote(n.Value))
		return false
	case dur <= 0:
		d.Errorf(n, path, "must be positive, got %s", Quote(n.Value))
		return false
	}
	v.SetInt(int64(dur))
	return true
}

type field struct {
	index        int
	want, refuse string
}

type fields struct {
	byKey map[string]field
	names []string // the keys accepted, in declaration order
}

var fieldCache sync.Map // reflect.Type → *fields

// fieldsOf maps a struct's yaml tag names to its fields.
func fieldsOf(t reflect.Type) *fields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fields)
	}
	fs := &fields{byKey: map[string]field{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		fs.byKey[tag] = field{index: i, want: f.Tag.Get("want"), refuse: f.Tag.Get("refuse")}
		if f.Tag.Get("refuse") == "" {
			fs.names = append(fs.names, tag)
		}
	}
	fieldCache.Store(t, fs)
	return fs
}

// suggest returns the known word closest to s when it is close enough to
// be a typo, or "".
func suggest(s string, known []string) string {
	best, bestDist := "", 3 // at most two edits
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestDist && d < len(k) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64 // not a typo of a short key, and keeps the work bounded
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
