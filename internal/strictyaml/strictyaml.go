// Package strictyaml decodes YAML into Go values strictly, naming the file,
// line and key path of every problem: "demo.yaml:41:
// repos[3].phases[1].person: unknown key ..." — unknown keys (with the
// known ones), keys given twice, wrong kinds, values that do not parse.
// yaml.v3's KnownFields names a line but not the path, and stops at the
// first problem; walking the node tree reports them all (up to a limit).
// The scenario files of githubfake and the analysis params read through it;
// the config's own parser shares its node descriptions.
package strictyaml

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
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

// MaxErrors caps how many problems one decode reports.
const MaxErrors = 20

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads YAML text into a node tree; a syntax error names the file
// and line. An empty document gives a node of kind 0.
func Parse(file string, data []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &Error{File: file, Line: line, Msg: m[2]}
		}
		return nil, &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	return &root, nil
}

// Decoder fills Go values from node trees. Lines, if not nil, receives the
// line of every key path decoded, for later semantic checks to point at.
type Decoder struct {
	File  string
	Lines map[string]int
	errs  []error
}

// Decode fills the value v points to from n (a document or any node),
// setting only what n names: a struct field, map entry or list the YAML
// leaves out keeps its value, so decoding onto defaults overrides them. It
// returns every problem found, joined, or nil.
func (d *Decoder) Decode(n *yaml.Node, v any) error {
	d.errs = nil
	d.decode(n, reflect.ValueOf(v).Elem(), "")
	return errors.Join(d.errs...)
}

// Unmarshal parses data and decodes it into v, strictly.
func Unmarshal(file string, data []byte, v any) error {
	root, err := Parse(file, data)
	if err != nil {
		return err
	}
	return (&Decoder{File: file}).Decode(root, v)
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func (d *Decoder) errorf(line int, path, format string, args ...any) {
	if len(d.errs) < MaxErrors {
		d.errs = append(d.errs, &Error{File: d.File, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
}

// JoinPath extends a key path with a mapping key.
func JoinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
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

func (d *Decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if path != "" && d.Lines != nil {
		d.Lines[path] = n.Line
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if IsNull(n) {
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errorf(n.Line, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if IsNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n.Line, path, "expected a mapping, got %s", Describe(n))
			return
		}
		fields, names := structFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := JoinPath(path, k.Value)
			idx, ok := fields[k.Value]
			if !ok {
				d.errorf(k.Line, p, "unknown key %q (known keys: %s)", k.Value, strings.Join(names, ", "))
				continue
			}
			if seen[k.Value] {
				d.errorf(k.Line, p, "key %q given twice", k.Value)
				continue
			}
			seen[k.Value] = true
			if d.Lines != nil {
				d.Lines[p] = k.Line
			}
			d.decode(val, v.Field(idx), p)
		}
	case reflect.Map:
		if IsNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n.Line, path, "expected a mapping, got %s", Describe(n))
			return
		}
		if v.Type().Key().Kind() != reflect.String {
			d.errorf(n.Line, path, "cannot decode into a map keyed by %s", v.Type().Key())
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := JoinPath(path, k.Value)
			if seen[k.Value] {
				d.errorf(k.Line, p, "key %q given twice", k.Value)
				continue
			}
			seen[k.Value] = true
			// Decode onto the entry already there, so that an override
			// of one field of it keeps the others.
			elem := reflect.New(v.Type().Elem()).Elem()
			key := reflect.ValueOf(k.Value).Convert(v.Type().Key())
			if old := v.MapIndex(key); old.IsValid() {
				elem.Set(old)
			}
			d.decode(val, elem, p)
			v.SetMapIndex(key, elem)
		}
	case reflect.Slice:
		if IsNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n.Line, path, "expected a list, got %s", Describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Pointer:
		if IsNull(n) {
			return
		}
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path)
		v.Set(nv)
	default:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, path, "expected a single %s value, got %s", v.Kind(), Describe(n))
			return
		}
		if IsNull(n) {
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errorf(n.Line, path, "%q is not a valid %s", n.Value, typeWord(v.Kind()))
		}
	}
}

func typeWord(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64, reflect.Uint64:
		return "whole number"
	case reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean (true/false)"
	}
	return k.String()
}

// structFields maps yaml tag names to field indexes.
func structFields(t reflect.Type) (map[string]int, []string) {
	m := map[string]int{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		m[tag] = i
		names = append(names, tag)
	}
	slices.Sort(names)
	return m, names
}
