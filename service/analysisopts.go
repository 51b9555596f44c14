package service

import (
	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/analysis/identity"
	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/internal/userfile"
)

// analysisOptions reads the user's analysis inputs named in the config.
// Each parser names its file and line in errors.
func analysisOptions(cfg *config.Config) (analysis.Options, error) {
	var o analysis.Options
	if p := cfg.Analysis.Affiliations; p != "" {
		f, err := affiliation.LoadFile(p)
		if err != nil {
			return o, err
		}
		o.Affiliations = f
	}
	if p := cfg.Analysis.Mailmap; p != "" {
		data, err := userfile.Read(p, MaxSmallFile)
		if err != nil {
			return o, err
		}
		if o.Mailmap, err = identity.ParseMailmap(p, data); err != nil {
			return o, err
		}
	}
	if p := cfg.Analysis.Params; p != "" {
		data, err := userfile.Read(p, MaxSmallFile)
		if err != nil {
			return o, err
		}
		if o.Params, err = analysis.ParseParams(p, data, analysis.DefaultParams()); err != nil {
			return o, err
		}
	}
	if p := cfg.Analysis.Grants; p != "" {
		g, err := analysis.LoadGrants(p)
		if err != nil {
			return o, err
		}
		o.Grants = g
	}
	return o, nil
}

// MaxSmallFile caps a mailmap or a params file read from the user's tree.
const MaxSmallFile = 64 << 20
