package strictyaml

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

type inner struct {
	A int    `yaml:"a"`
	B string `yaml:"b"`
}

type doc struct {
	Name    string           `yaml:"name"`
	Ratio   float64          `yaml:"ratio"`
	On      bool             `yaml:"on"`
	List    []inner          `yaml:"list"`
	Map     map[string]inner `yaml:"map"`
	Ptr     *inner           `yaml:"ptr"`
	Opt     *string          `yaml:"opt"`
	Wait    time.Duration    `yaml:"wait"`
	Files   []string         `yaml:"files" want:"a list of files"`
	Shape   shape            `yaml:"shape"`
	Version upper            `yaml:"version"`
	Secret  struct{}         `yaml:"secret" refuse:"secrets do not belong here; name a file"`
}

// shape is "x" or a mapping with one key, a: an Unmarshaler decoding
// itself with the Decoder's helpers.
type shape struct {
	Short string
	Long  inner
	Alias bool // written as an alias
}

func (s *shape) DecodeStrict(d *Decoder, n *yaml.Node, path string) {
	s.Alias = n.Kind == yaml.AliasNode
	r := Resolve(n)
	if r.Kind == yaml.ScalarNode && r.ShortTag() == "!!str" {
		s.Short = r.Value
		return
	}
	if r.Kind != yaml.MappingNode {
		d.Errorf(r, path, "must be a word or a mapping, got %s", Describe(r))
		return
	}
	d.DecodePath(n, path, "", &s.Long)
}

// upper is a yaml.Unmarshaler: yaml.v3's own interface keeps working.
type upper string

func (u *upper) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "bad" {
		return errors.New("bad version")
	}
	*u = upper(strings.ToUpper(n.Value))
	return nil
}

// sections is a document whose keys are called sections.
type sections struct {
	Store struct {
		Path string `yaml:"path"`
	} `yaml:"store"`
}

func (*sections) KeyNoun() string { return "section" }

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string // the error's lines, each a prefix; none = success
	}{
		{"unknown key, with the known ones in declaration order and a suggestion", "name: x\nnmae: y\n", []string{
			`f.yaml:2: nmae: unknown key (known: name, ratio, on, list, map, ptr, opt, wait, files, shape, version); did you mean name?`}},
		{"unknown key, nothing close", "colour: red\n", []string{
			`f.yaml:1: colour: unknown key (known: name, ratio, on, list, map, ptr, opt, wait, files, shape, version)`}},
		{"every problem, each located", "ratio: high\non: maybe\nlist:\n  - {a: x}\n  - {c: 1}\n", []string{
			`f.yaml:1: ratio: must be a number, got "high"`,
			`f.yaml:2: on: must be true or false, got "maybe"`,
			`f.yaml:4: list[0].a: must be a whole number, got "x"`,
			`f.yaml:5: list[1].c: unknown key (known: a, b)`}},
		{"wrong kinds", "list: {a: 1}\nmap: [1]\nname: [x]\nptr: 5\n", []string{
			`f.yaml:1: list: must be a list, got a mapping`,
			`f.yaml:2: map: must be a mapping, got a list`,
			`f.yaml:3: name: must be a string, got a list`,
			`f.yaml:4: ptr: must be a mapping, got the integer "5"`}},
		{"want says what a collection must be", "files: a.txt\n", []string{`f.yaml:1: files: must be a list of files, got "a.txt"`}},
		{"strings are strings", "name: 5\nlist: [{b: true}]\n", []string{
			`f.yaml:1: name: must be a string, got the integer "5" (quote it to make it a string)`,
			`f.yaml:2: list[0].b: must be a string, got the boolean "true" (quote it to make it a string)`}},
		{"booleans are true or false", "on: yes\n", []string{`f.yaml:1: on: must be true or false, got "yes"`}},
		{"whole numbers are whole", "list: [{a: 1.5}]\n", []string{`f.yaml:1: list[0].a: must be a whole number, got the number "1.5"`}},
		{"no value for a scalar", "name:\n", []string{`f.yaml:1: name: must be a string, got no value`}},
		{"no value for an optional scalar", "opt: ~\n", []string{`f.yaml:1: opt: must be a string, got no value`}},
		{"duration without a unit", "wait: 30\n", []string{`f.yaml:1: wait: must be a duration with a unit, like 30s or 2m; got the integer "30"`}},
		{"duration garbage", "wait: soon\n", []string{`f.yaml:1: wait: "soon" is not a duration (like 30s or 2m)`}},
		{"duration not positive", "wait: 0s\n", []string{`f.yaml:1: wait: must be positive, got "0s"`}},
		{"key twice", "name: x\non: true\nname: y\n", []string{`f.yaml:3: name: defined twice (first at line 1)`}},
		{"map key twice", "map:\n  k: {a: 1}\n  k: {a: 2}\n", []string{`f.yaml:3: map.k: defined twice (first at line 2)`}},
		{"merge key", "ptr:\n  <<: {a: 1}\n", []string{`f.yaml:2: ptr."<<": merge keys (<<) are not supported; write the keys out`}},
		{"key not a scalar", "ptr:\n  ? [a]\n  : 1\n", []string{`f.yaml:2: ptr: keys must be plain names, got a list`}},
		{"odd keys are quoted in paths", "map:\n  k: {\"a b\": 1}\n", []string{`f.yaml:2: map.k."a b": unknown key (known: a, b)`}},
		{"refused key", "secret: hunter2\n", []string{`f.yaml:1: secret: secrets do not belong here; name a file`}},
		{"Unmarshaler", "shape: [1]\nlist: [{a: 1}]\n", []string{`f.yaml:1: shape: must be a word or a mapping, got a list`}},
		{"Unmarshaler decoding its parts", "shape: {a: x}\n", []string{`f.yaml:1: shape.a: must be a whole number, got "x"`}},
		{"yaml.Unmarshaler", "version: bad\n", []string{`f.yaml:1: version: bad version`}},
		{"syntax", "name: [x\n", []string{"f.yaml:1: did not find expected"}},
		{"a second document", "name: x\n---\nname: y\n", []string{"f.yaml:2: a second YAML document; the file must hold one"}},
		{"good", "name: x\nratio: 0.5\non: true\nlist: [{a: 1}]\nmap: {k: {b: y}}\nptr: {a: 2}\nopt: o\nwait: 1m30s\nfiles: [a]\nshape: w\nversion: v1\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d doc
			err := Unmarshal("f.yaml", []byte(tt.yaml), &d)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if d.Name != "x" || d.Ratio != 0.5 || !d.On || d.List[0].A != 1 || d.Map["k"].B != "y" || d.Ptr.A != 2 ||
					*d.Opt != "o" || d.Wait != 90*time.Second || d.Files[0] != "a" || d.Shape.Short != "w" || d.Version != "V1" {
					t.Errorf("decoded %+v", d)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("error:\n%v\nwant %d lines: %q", err, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}

// A pointer is set only when its value is given and good, so that a
// caller can tell "left out" from "given".
func TestPointers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		yaml    string
		ptr     bool // d.Ptr set
		opt     bool // d.Opt set
		wantErr bool
	}{
		{"name: x\n", false, false, false},
		{"ptr:\nopt: o\n", false, true, false},
		{"ptr: {}\n", true, false, false},
		{"ptr: {a: x}\n", true, false, true}, // a mapping with a bad field is still given
		{"opt: 5\n", false, false, true},
		{"opt:\n", false, false, true},
	} {
		var d doc
		err := Unmarshal("f.yaml", []byte(tt.yaml), &d)
		if (d.Ptr != nil) != tt.ptr || (d.Opt != nil) != tt.opt || (err != nil) != tt.wantErr {
			t.Errorf("%q: ptr %v, opt %v, err %v", tt.yaml, d.Ptr, d.Opt, err)
		}
	}
}

// Decoding onto defaults overrides only what the YAML names, map entries
// and pointed-to structs field by field.
func TestDecodeOverridesDefaults(t *testing.T) {
	t.Parallel()
	ptr := &inner{A: 1, B: "keep"}
	d := doc{Name: "default", Ratio: 0.1, Map: map[string]inner{"k": {A: 1, B: "keep"}, "other": {A: 9}}, Ptr: ptr}
	if err := Unmarshal("f.yaml", []byte("ratio: 0.2\nmap:\n  k: {a: 5}\nptr: {a: 3}\n"), &d); err != nil {
		t.Fatal(err)
	}
	if d.Name != "default" || d.Ratio != 0.2 || d.Map["k"] != (inner{A: 5, B: "keep"}) || d.Map["other"].A != 9 || *d.Ptr != (inner{A: 3, B: "keep"}) {
		t.Errorf("%+v", d)
	}
	if *ptr != (inner{A: 1, B: "keep"}) {
		t.Errorf("the defaults' pointee changed: %+v", ptr)
	}
}

// Lines holds where each path's value is written; for an alias, the alias.
func TestLines(t *testing.T) {
	t.Parallel()
	root, err := Parse("f.yaml", []byte("name: x\nlist:\n  - &i {a: 1}\n  - *i\nshape: *i\n"))
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	dec := &Decoder{File: "f.yaml", Lines: map[string]int{}}
	if err := dec.Decode(root, &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"name": 1, "list": 3, "list[0]": 3, "list[0].a": 3, "list[1]": 4, "list[1].a": 3, "shape": 5, "shape.a": 3}
	if !reflect.DeepEqual(dec.Lines, want) {
		t.Errorf("Lines = %v\nwant %v", dec.Lines, want)
	}
	if !d.Shape.Alias || d.Shape.Long.A != 1 || d.List[1].A != 1 {
		t.Errorf("decoded %+v", d)
	}
}

func TestKeyNounAndKeys(t *testing.T) {
	t.Parallel()
	var s sections
	err := Unmarshal("f.yaml", []byte("stor: {}\n"), &s)
	if err == nil || err.Error() != "f.yaml:1: stor: unknown section (known: store); did you mean store?" {
		t.Errorf("err = %v", err)
	}
	if got := Keys(&doc{}); strings.Join(got, " ") != "name ratio on list map ptr opt wait files shape version" {
		t.Errorf("Keys = %q", got)
	}
}

// Decode's error shows MaxErrors problems and counts the rest; Errors
// keeps them all.
func TestErrorCap(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("list:\n")
	for range MaxErrors + 5 {
		b.WriteString("  - {a: x}\n")
	}
	root, err := Parse("f.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	dec := &Decoder{File: "f.yaml"}
	err = dec.Decode(root, &doc{})
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxErrors+1 || lines[MaxErrors] != "f.yaml: 5 more errors not shown" || len(dec.Errors()) != MaxErrors+5 {
		t.Errorf("%d lines, last %q, %d errors", len(lines), lines[len(lines)-1], len(dec.Errors()))
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "# only a comment\n"} {
		n, err := Parse("f.yaml", []byte(s))
		if err != nil || n.Kind != 0 {
			t.Errorf("Parse(%q) = %v, %v", s, n, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	known := []string{"token_file", "token_files", "timeout", "tier"}
	for _, tt := range []struct{ in, want string }{
		{"tokenfile", "token_file"},
		{"TIMEOUT", "timeout"},
		{"teir", "tier"},
		{"prometheus", ""}, // nothing close
		{strings.Repeat("a", 100), ""},
	} {
		if got := suggest(tt.in, known); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
