package ghclient

import "testing"

func TestGraphQLURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ rest, want string }{
		{"https://api.github.com/", "https://api.github.com/graphql"},
		{"https://api.github.com", "https://api.github.com/graphql"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/graphql"},
	}
	for _, tt := range tests {
		if got, err := GraphQLURL(tt.rest); err != nil || got != tt.want {
			t.Errorf("GraphQLURL(%q) = %q, %v; want %q", tt.rest, got, err, tt.want)
		}
	}
	for path, want := range map[string]string{"/graphql": "/graphql", "/api/graphql": "/graphql"} {
		if got := Route(path); got != want {
			t.Errorf("Route(%q) = %q, want %q", path, got, want)
		}
	}
}
