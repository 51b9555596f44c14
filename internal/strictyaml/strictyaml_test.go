package strictyaml

import (
	"strings"
	"testing"
)

type inner struct {
	A int    `yaml:"a"`
	B string `yaml:"b"`
}

type doc struct {
	Name  string           `yaml:"name"`
	Ratio float64          `yaml:"ratio"`
	On    bool             `yaml:"on"`
	List  []inner          `yaml:"list"`
	Map   map[string]inner `yaml:"map"`
	Ptr   *inner           `yaml:"ptr"`
}

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error, each; none = success
	}{
		{"good", "name: x\nratio: 0.5\non: true\nlist: [{a: 1}]\nmap: {k: {b: y}}\nptr: {a: 2}\n", nil},
		{"unknown key, with the known ones", "name: x\nnmae: y\n", []string{`f.yaml:2: nmae: unknown key "nmae" (known keys: list, map, name, on, ptr, ratio)`}},
		{"every problem, each located", "ratio: high\non: maybe\nlist:\n  - {a: x}\n  - {c: 1}\n", []string{
			`f.yaml:1: ratio: "high" is not a valid number`,
			`f.yaml:2: on: "maybe" is not a valid boolean`,
			`f.yaml:4: list[0].a: "x" is not a valid whole number`,
			`f.yaml:5: list[1].c: unknown key "c"`}},
		{"wrong kinds", "list: {a: 1}\nmap: [1]\nname: [x]\n", []string{
			`f.yaml:1: list: expected a list, got a mapping`,
			`f.yaml:2: map: expected a mapping, got a list`,
			`f.yaml:3: name: expected a single string value, got a list`}},
		{"key twice", "name: x\nname: y\n", []string{`key "name" given twice`}},
		{"syntax", "name: [x\n", []string{"f.yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			err := Unmarshal("f.yaml", []byte(tt.yaml), &d)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if d.Name != "x" || d.Ratio != 0.5 || !d.On || d.List[0].A != 1 || d.Map["k"].B != "y" || d.Ptr.A != 2 {
					t.Errorf("decoded %+v", d)
				}
				return
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// Decoding onto defaults overrides only what the YAML names, map entries
// field by field.
func TestDecodeOverridesDefaults(t *testing.T) {
	t.Parallel()
	d := doc{Name: "default", Ratio: 0.1, Map: map[string]inner{"k": {A: 1, B: "keep"}, "other": {A: 9}}}
	if err := Unmarshal("f.yaml", []byte("ratio: 0.2\nmap:\n  k: {a: 5}\n"), &d); err != nil {
		t.Fatal(err)
	}
	if d.Name != "default" || d.Ratio != 0.2 || d.Map["k"] != (inner{A: 5, B: "keep"}) || d.Map["other"].A != 9 {
		t.Errorf("%+v", d)
	}
}
