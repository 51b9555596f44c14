// Package tooltest finds the external programs some tests need (promtool,
// prometheus, git, chromium). A developer without them gets a skip that says
// what to install; CI sets FUNDWATCH_REQUIRE_TOOLS=1 so that a missing tool
// fails instead of silently skipping the tests that need it.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of the named program, or skips (fails in CI) the
// test with a message naming the Debian package that provides it.
func Require(t testing.TB, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " is not installed (Debian: apt-get install " + debianPackage + "); this test needs the real program"
	if os.Getenv("FUNDWATCH_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " and FUNDWATCH_REQUIRE_TOOLS=1")
	}
	t.Skip(msg)
	return ""
}
