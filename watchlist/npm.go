package watchlist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/internal/userfile"
)

// npmRegistryReason is why a registry package maps to nothing: neither
// package.json nor the lockfile names a registry package's repository;
// only the package's own package.json does, which the npm registry serves
// and an installed node_modules/ holds.
const npmRegistryReason = "registry package: the file names no repository for it and no node_modules/%s/package.json is installed beside it (fundwatch does not query the npm registry)"

// npmDeps lists the dependencies of a package-lock.json (lockfile
// versions 1 to 3) or a package.json, with the repository of each.
//
// A dependency maps when its spec or lockfile entry names a GitHub
// repository (git+https://, git+ssh://git@github.com/, git@github.com:,
// github:user/repo, user/repo), when a lockfile entry carries a
// repository field, or when the package is installed in the node_modules/
// beside the file and its package.json has a repository field. Workspace
// links (your own packages) and local paths (file:, link:) are not
// dependencies and are left out.
func npmDeps(path string, data []byte) ([]dep, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(path, data, err)
	}
	dir := filepath.Dir(path)
	if _, ok := top["lockfileVersion"]; ok {
		return npmLockDeps(path, dir, data)
	}
	return npmManifestDeps(path, dir, data)
}

// repositoryField is package.json's repository: a string ("github:u/r",
// "u/r", a URL) or {"type": "git", "url": ..., "directory": ...}.
type repositoryField struct{ URL string }

func (r *repositoryField) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		r.URL = s
		return nil
	}
	var o struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return errors.New("repository must be a string or an object with a url")
	}
	r.URL = o.URL
	return nil
}

type lockEntry struct {
	Name       string           `json:"name"`
	Version    string           `json:"version"`
	Resolved   string           `json:"resolved"`
	Link       bool             `json:"link"`
	Repository *repositoryField `json:"repository"`
	// Dependencies are ranges in v2/v3 "packages" entries and nested
	// entries in v1; decoded only for v1.
	Dependencies json.RawMessage `json:"dependencies"`
}

type lockFile struct {
	LockfileVersion int                  `json:"lockfileVersion"`
	Packages        map[string]lockEntry `json:"packages"`
	Dependencies    json.RawMessage      `json:"dependencies"`
}

func npmLockDeps(path, dir string, data []byte) ([]dep, error) {
	var lf lockFile
	if err := json.Unmarshal(data, &lf); err != nil {
		return nil, jsonError(path, data, err)
	}
	var out []dep
	switch {
	case lf.LockfileVersion < 1 || lf.LockfileVersion > 3:
		return nil, fmt.Errorf("%s: lockfileVersion %d is not one fundwatch reads (1, 2 or 3)", path, lf.LockfileVersion)
	case len(lf.Packages) > 0:
		// v2 and v3: "node_modules/a", "node_modules/a/node_modules/@s/b";
		// "" is the project itself, other keys are workspace folders.
		keys := make([]string, 0, len(lf.Packages))
		for k := range lf.Packages {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := lf.Packages[k]
			i := strings.LastIndex(k, "node_modules/")
			if i < 0 || e.Link {
				continue
			}
			name := k[i+len("node_modules/"):]
			if e.Name != "" {
				name = e.Name // an alias installed under another name
			}
			out = append(out, npmEntry(name, e, dir, filepath.Join(dir, filepath.FromSlash(k))))
		}
	default:
		// v1: nested dependencies, installed at node_modules/name (or
		// deeper, which the top-level install usually shadows).
		var walk func(prefix string, raw json.RawMessage) error
		walk = func(prefix string, raw json.RawMessage) error {
			if len(raw) == 0 {
				return nil
			}
			var m map[string]lockEntry
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				e := m[n]
				at := filepath.Join(prefix, "node_modules", filepath.FromSlash(n))
				out = append(out, npmEntry(n, e, dir, at))
				if err := walk(at, e.Dependencies); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(dir, lf.Dependencies); err != nil {
			return nil, jsonError(path, data, err)
		}
	}
	return out, nil
}

// npmEntry maps one lockfile entry installed (or to be installed) at dir,
// in the tree of root.
func npmEntry(name string, e lockEntry, root, dir string) dep {
	for _, s := range []string{e.Resolved, e.Version} {
		if n, ok := ghrepo.FromURL(s); ok {
			return dep{name: name, repo: n}
		}
	}
	if isGitSpec(e.Resolved) {
		return dep{name: name, reason: fmt.Sprintf("its source %q is not on GitHub", e.Resolved)}
	}
	if e.Repository != nil {
		if n, ok := npmRepo(e.Repository.URL); ok {
			return dep{name: name, repo: n}
		}
		return dep{name: name, reason: fmt.Sprintf("its repository %q is not on GitHub", e.Repository.URL)}
	}
	return installed(name, root, dir)
}

// maxInstalledPackageJSON caps an installed package.json (a few KiB each).
const maxInstalledPackageJSON = 1 << 20

// installed maps a package by the repository field of its installed
// package.json at dir, which must lie in root's node_modules: a lockfile
// key like "node_modules/../../outside/pkg", or a symlink out of the tree,
// would make fundwatch read and watch what lies elsewhere.
func installed(name, root, dir string) dep {
	file := filepath.Join(dir, "package.json")
	if !inside(filepath.Join(root, "node_modules"), dir) {
		return dep{name: name, reason: fmt.Sprintf("its install path %s leaves %s; not read", file, filepath.Join(root, "node_modules"))}
	}
	if real, err := filepath.EvalSymlinks(file); err == nil {
		if realRoot, err := filepath.EvalSymlinks(root); err == nil && !inside(realRoot, real) {
			return dep{name: name, reason: fmt.Sprintf("its installed package.json %s links out of %s; not read", file, root)}
		}
	}
	data, err := userfile.Read(file, maxInstalledPackageJSON)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return dep{name: name, reason: fmt.Sprintf(npmRegistryReason, name)}
		}
		return dep{name: name, reason: "reading its installed package.json: " + err.Error()}
	}
	if err := checkUTF8(file, data); err != nil {
		return dep{name: name, reason: "its installed package.json: " + err.Error()}
	}
	var pj struct {
		Repository *repositoryField `json:"repository"`
	}
	if err := json.Unmarshal(data, &pj); err != nil {
		return dep{name: name, reason: "its installed package.json is malformed: " + err.Error()}
	}
	if pj.Repository == nil || pj.Repository.URL == "" {
		return dep{name: name, reason: "its installed package.json has no repository field"}
	}
	if n, ok := npmRepo(pj.Repository.URL); ok {
		return dep{name: name, repo: n}
	}
	return dep{name: name, reason: fmt.Sprintf("its repository %q is not on GitHub", pj.Repository.URL)}
}

// npmRepo reads a repository as npm writes it: a URL, "github:user/repo"
// or the bare "user/repo" shorthand.
func npmRepo(s string) (ghrepo.Name, bool) {
	if n, ok := ghrepo.FromURL(s); ok {
		return n, true
	}
	s, _, _ = strings.Cut(s, "#")
	if strings.Count(s, "/") == 1 && !strings.ContainsAny(s, ":@ ") && !strings.HasPrefix(s, ".") {
		if n, err := ghrepo.Parse(s); err == nil {
			return n, true
		}
	}
	return ghrepo.Name{}, false
}

func npmManifestDeps(path, dir string, data []byte) ([]dep, error) {
	var pj struct {
		Dependencies         map[string]string `json:"dependencies"`
		DevDependencies      map[string]string `json:"devDependencies"`
		OptionalDependencies map[string]string `json:"optionalDependencies"`
		PeerDependencies     map[string]string `json:"peerDependencies"`
	}
	if err := json.Unmarshal(data, &pj); err != nil {
		return nil, jsonError(path, data, err)
	}
	specs := map[string]string{}
	for _, m := range []map[string]string{pj.PeerDependencies, pj.OptionalDependencies, pj.DevDependencies, pj.Dependencies} {
		for k, v := range m {
			specs[k] = v
		}
	}
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []dep
	for _, name := range names {
		spec := specs[name]
		switch {
		case strings.HasPrefix(spec, "file:"), strings.HasPrefix(spec, "link:"), strings.HasPrefix(spec, "workspace:"),
			strings.HasPrefix(spec, "./"), strings.HasPrefix(spec, "../"), strings.HasPrefix(spec, "/"):
			continue // local code, not a dependency on someone else's project
		case strings.HasPrefix(spec, "npm:"):
			// An alias: "npm:real-name@^1.0.0" installs real-name as name.
			real := strings.TrimPrefix(spec, "npm:")
			if i := strings.LastIndex(real, "@"); i > 0 {
				real = real[:i]
			}
			out = append(out, installed(real, dir, filepath.Join(dir, "node_modules", filepath.FromSlash(name))))
			continue
		}
		if n, ok := npmRepo(spec); ok {
			out = append(out, dep{name: name, repo: n})
			continue
		}
		if isGitSpec(spec) || strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://") {
			out = append(out, dep{name: name, reason: fmt.Sprintf("its source %q is not on GitHub", spec)})
			continue
		}
		out = append(out, installed(name, dir, filepath.Join(dir, "node_modules", filepath.FromSlash(name))))
	}
	return out, nil
}

// jsonError turns a decoding error into "file:line: what is wrong".
func jsonError(path string, data []byte, err error) error {
	var (
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
		off int64 = -1
	)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		if te.Field != "" {
			err = fmt.Errorf("%s: want %s, got %s", te.Field, jsonKind(te.Type), te.Value)
		} else {
			err = fmt.Errorf("want %s, got %s", jsonKind(te.Type), te.Value)
		}
	}
	if off < 0 {
		return fmt.Errorf("%s: %w", path, err)
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Errorf("%s:%d: malformed JSON: %w", path, line, err)
}

// isGitSpec reports whether an npm spec or resolved field fetches from a
// git host rather than the registry.
func isGitSpec(s string) bool {
	for _, p := range []string{"git+", "git://", "git@", "github:", "gitlab:", "bitbucket:", "gist:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// jsonKind names a Go type the way a JSON reader thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// inside reports whether path lies within dir (both cleaned; no "..").
func inside(dir, path string) bool {
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
