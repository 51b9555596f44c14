package scenario

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder fills a Spec from a YAML node tree, keeping the key path and line
// of every value. yaml.v3's own KnownFields errors name a line but not the
// path, and its semantic checks know neither; walking the tree ourselves
// gives "demo.yaml:41: repos[3].phases[1].contributors[0].person: ..." for
// every kind of problem.
type decoder struct {
	file  string
	lines map[string]int
	errs  []error
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

func (d *decoder) errorf(line int, path, format string, args ...any) {
	if len(d.errs) < maxErrors {
		d.errs = append(d.errs, &Error{File: d.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if path != "" {
		d.lines[path] = n.Line
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if isNull(n) {
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errorf(n.Line, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n.Line, path, "expected a mapping, got %s", nodeKind(n))
			return
		}
		fields, names := structFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := joinPath(path, k.Value)
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
			d.lines[p] = k.Line
			d.decode(val, v.Field(idx), p)
		}
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n.Line, path, "expected a list, got %s", nodeKind(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path)
		v.Set(nv)
	default:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, path, "expected a single %s value, got %s", v.Kind(), nodeKind(n))
			return
		}
		if isNull(n) {
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
