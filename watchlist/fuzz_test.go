package watchlist

import (
	"os"
	"strings"
	"testing"
)

// FuzzParsers checks that no input makes a source parser panic, and that
// every error names the file. Seeds are the fixtures.
func FuzzParsers(f *testing.F) {
	for _, p := range []string{"testdata/gomod/go.mod", "testdata/npm/package-lock.json", "testdata/npm/package.json",
		"testdata/sbom/cyclonedx.json", "testdata/sbom/spdx.json", "testdata/bad/go.mod", "testdata/bad/cyclonedx.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"lockfileVersion": 1, "dependencies": {"a": {"version": "github:x/y", "dependencies": {"b": {}}}}}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>x</name><purl>pkg:github/a/b</purl></component></components></bom>`))
	const path = "fuzz/input"
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func(string, []byte) ([]dep, error){
			func(p string, b []byte) ([]dep, error) { return goModDeps(p, b, true) },
			npmDeps,
			sbomDeps,
		} {
			deps, err := parse(path, data)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			for _, d := range deps {
				if (d.repo.Owner == "") != (d.reason != "") {
					t.Fatalf("dependency %+v is neither mapped nor explained", d)
				}
			}
		}
	})
}
