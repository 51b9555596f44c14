package service

import (
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/fundwatch/fundwatch/internal/userfile"
)

// maxWebFileBytes caps the web config file and the certificates and keys
// it names: each is a few KiB.
const maxWebFileBytes = 1 << 20

// checkWebConfig checks the exporter-toolkit web config file, and the
// certificate, key and CA files it names, through internal/userfile
// before exporter-toolkit reads them with os.ReadFile: a FIFO there made
// serve hang past SIGTERM, /dev/zero ran it out of memory. What the file
// means is left to exporter-toolkit (a file it cannot parse is its error
// to report), only the paths are read here.
func checkWebConfig(path string) error {
	if path == "" {
		return nil
	}
	data, err := userfile.Read(path, maxWebFileBytes)
	if err != nil {
		return fmt.Errorf("--web.config.file: %w", err)
	}
	var c struct {
		TLS struct {
			Cert string `yaml:"cert_file"`
			Key  string `yaml:"key_file"`
			CA   string `yaml:"client_ca_file"`
		} `yaml:"tls_server_config"`
	}
	if yaml.Unmarshal(data, &c) != nil {
		return nil
	}
	for _, f := range []struct{ key, path string }{
		{"cert_file", c.TLS.Cert}, {"key_file", c.TLS.Key}, {"client_ca_file", c.TLS.CA},
	} {
		if f.path == "" {
			continue
		}
		p := f.path
		if !filepath.IsAbs(p) { // as exporter-toolkit: relative to the web config file
			p = filepath.Join(filepath.Dir(path), p)
		}
		if _, err := userfile.Read(p, maxWebFileBytes); err != nil {
			return fmt.Errorf("--web.config.file %s: tls_server_config.%s: %w", path, f.key, err)
		}
	}
	return nil
}
