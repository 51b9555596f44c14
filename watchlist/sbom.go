package watchlist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"

	"github.com/fundwatch/fundwatch/ghrepo"
)

// sbomDeps lists the components of a CycloneDX (JSON or XML) or SPDX
// (JSON, 2.2 and 2.3) SBOM with the repository of each. The document's own
// subject (CycloneDX metadata.component, the SPDX packages the document
// DESCRIBES) is what the SBOM is about, not a dependency, and is left out.
func sbomDeps(path string, data []byte) ([]dep, error) {
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("<")) {
		var bom cdx.BOM
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
			return nil, fmt.Errorf("%s: malformed CycloneDX XML: %w", path, err)
		}
		return cycloneDXDeps(&bom), nil
	}
	var probe struct {
		BOMFormat   string `json:"bomFormat"`
		SPDXVersion string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError(path, data, err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		var bom cdx.BOM
		if err := json.Unmarshal(data, &bom); err != nil {
			return nil, jsonError(path, data, err)
		}
		return cycloneDXDeps(&bom), nil
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-"):
		return spdxDeps(path, data)
	}
	return nil, fmt.Errorf("%s: neither a CycloneDX SBOM (bomFormat: CycloneDX) nor an SPDX JSON document (spdxVersion: SPDX-2.x)", path)
}

// cdxKinds are the component types that are software someone maintains;
// files, devices, data, operating systems and the like are skipped.
var cdxKinds = map[cdx.ComponentType]bool{"": true, cdx.ComponentTypeLibrary: true, cdx.ComponentTypeFramework: true, cdx.ComponentTypeApplication: true}

func cycloneDXDeps(bom *cdx.BOM) []dep {
	var out []dep
	var walk func(cs *[]cdx.Component)
	walk = func(cs *[]cdx.Component) {
		if cs == nil {
			return
		}
		for _, c := range *cs {
			if cdxKinds[c.Type] {
				var vcs, web []string
				if c.ExternalReferences != nil {
					for _, r := range *c.ExternalReferences {
						switch r.Type {
						case cdx.ERTypeVCS:
							vcs = append(vcs, r.URL)
						case cdx.ERTypeWebsite, cdx.ERTypeIssueTracker:
							web = append(web, r.URL)
						}
					}
				}
				name := c.Name
				if c.Group != "" {
					name = c.Group + "/" + c.Name
				}
				out = append(out, component(name, c.PackageURL, append(vcs, web...)))
			}
			walk(c.Components)
		}
	}
	walk(bom.Components)
	return out
}

type spdxDoc struct {
	DocumentDescribes []string `json:"documentDescribes"`
	Packages          []struct {
		SPDXID           string `json:"SPDXID"`
		Name             string `json:"name"`
		DownloadLocation string `json:"downloadLocation"`
		Homepage         string `json:"homepage"`
		ExternalRefs     []struct {
			ReferenceCategory string `json:"referenceCategory"`
			ReferenceType     string `json:"referenceType"`
			ReferenceLocator  string `json:"referenceLocator"`
		} `json:"externalRefs"`
	} `json:"packages"`
	Relationships []struct {
		Element string `json:"spdxElementId"`
		Type    string `json:"relationshipType"`
		Related string `json:"relatedSpdxElement"`
	} `json:"relationships"`
}

func spdxDeps(path string, data []byte) ([]dep, error) {
	var doc spdxDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(path, data, err)
	}
	subject := map[string]bool{}
	for _, id := range doc.DocumentDescribes {
		subject[id] = true
	}
	for _, r := range doc.Relationships {
		switch {
		case r.Element == "SPDXRef-DOCUMENT" && r.Type == "DESCRIBES":
			subject[r.Related] = true
		case r.Related == "SPDXRef-DOCUMENT" && r.Type == "DESCRIBED_BY":
			subject[r.Element] = true
		}
	}
	var out []dep
	for _, p := range doc.Packages {
		if subject[p.SPDXID] {
			continue
		}
		var purl string
		for _, r := range p.ExternalRefs {
			if strings.EqualFold(r.ReferenceType, "purl") {
				purl = r.ReferenceLocator
				break
			}
		}
		// downloadLocation is the VCS location in SPDX's own syntax
		// (git+https://github.com/o/r@v1.2); homepage is a fallback.
		out = append(out, component(p.Name, purl, []string{p.DownloadLocation, p.Homepage}))
	}
	return out, nil
}

// component maps one SBOM component by its purl, then by its VCS (and
// other) references, in that order. The dependency is named by its purl
// without version (stable across upgrades, and one series per package),
// else by its name.
func component(name, purl string, refs []string) dep {
	d := dep{name: name}
	if purl != "" {
		p, err := packageurl.FromString(purl)
		if err != nil {
			d.name = purl
			d.reason = "malformed purl: " + err.Error()
			return d
		}
		d.name = purlName(p)
		if n, ok := purlRepo(p); ok {
			d.repo = n
			return d
		}
	}
	for _, r := range refs {
		if n, ok := ghrepo.FromURL(r); ok {
			d.repo = n
			return d
		}
	}
	switch {
	case purl == "":
		d.reason = "no purl and no GitHub VCS reference"
	default:
		d.reason = "its purl names no GitHub repository (no vcs_url) and it has no GitHub VCS reference"
		if strings.HasPrefix(purl, "pkg:golang/") {
			_, d.reason = ModuleRepo(strings.TrimPrefix(d.name, "pkg:golang/"))
		}
	}
	return d
}

// purlName is the purl without version, qualifiers or subpath.
func purlName(p packageurl.PackageURL) string {
	q := packageurl.PackageURL{Type: p.Type, Namespace: p.Namespace, Name: p.Name}
	return q.ToString()
}

// purlRepo maps purls that say where the code lives: pkg:github/owner/name,
// pkg:golang/<module path>, and any purl with a vcs_url qualifier.
func purlRepo(p packageurl.PackageURL) (ghrepo.Name, bool) {
	switch p.Type {
	case packageurl.TypeGithub:
		if n, err := ghrepo.Parse(p.Namespace + "/" + p.Name); err == nil {
			return n, true
		}
	case packageurl.TypeGolang:
		mod := p.Name
		if p.Namespace != "" {
			mod = p.Namespace + "/" + p.Name
		}
		if n, reason := ModuleRepo(mod); reason == "" {
			return n, true
		}
	}
	for _, q := range p.Qualifiers {
		if q.Key == "vcs_url" {
			if n, ok := ghrepo.FromURL(q.Value); ok {
				return n, true
			}
		}
	}
	return ghrepo.Name{}, false
}
