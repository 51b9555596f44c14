package gitobj

import (
	"os/exec"
	"strings"
	"testing"
)

// The IDs are git's: checked against constants git itself prints, and
// against `git hash-object` when git is installed.
func TestBlobID(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
		{"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a"},
	} {
		if got := BlobID([]byte(tc.content)); got != tc.want {
			t.Errorf("BlobID(%q) = %s, want %s", tc.content, got, tc.want)
		}
	}
	if got := Hash("tree", nil); got != EmptyTree {
		t.Errorf("empty tree = %s, want %s", got, EmptyTree)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	content := "github: [alice]\nopen_collective: tinyyaml\n"
	cmd := exec.Command("git", "hash-object", "--stdin")
	cmd.Stdin = strings.NewReader(content)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := BlobID([]byte(content)), strings.TrimSpace(string(out)); got != want {
		t.Errorf("BlobID = %s, git hash-object = %s", got, want)
	}
}
