package config

// testCollectors are the collectors the config tests name, as cmd passes
// the registered ones (collectors.Specs) with WithCollectors.
var testCollectors = []CollectorDefault{
	{Name: "repo", Schedule: "@every 1h", Enabled: true},
	{Name: "commits", Schedule: "@every 1h", Enabled: true},
	{Name: "issues", Schedule: "@every 1h", Enabled: true},
	{Name: "comments", Schedule: "@every 1h", Enabled: true},
	{Name: "releases", Schedule: "@every 6h", Enabled: true},
	{Name: "users", Schedule: "@every 24h", Enabled: true},
	{Name: "sponsors", Schedule: "@every 24h", Enabled: true},
}

func parseT(source string, data []byte, env func(string) string) (*Config, error) {
	return Parse(source, data, env, WithCollectors(testCollectors))
}

func loadT(path string, env func(string) string) (*Config, error) {
	return Load(path, env, WithCollectors(testCollectors))
}

func defaultT() *Config { return Default(WithCollectors(testCollectors)) }
