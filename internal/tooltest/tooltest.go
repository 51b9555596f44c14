// Package tooltest finds the external programs some tests need (promtool,
// prometheus, git, chromium). A developer without them gets a skip that says
// what to install; CI sets FUNDWATCH_REQUIRE_TOOLS=1 so that a missing tool
// fails instead of silently skipping the tests that need it.
package tooltest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

// RunWithBinary builds the fundwatch command from pkg (a package path
// relative to the test's directory) into a temporary directory, stores its
// path in *binary, runs the tests and exits: TestMain of packages that test
// fundwatch the way a user runs it.
func RunWithBinary(m *testing.M, pkg string, binary *string) {
	dir, err := os.MkdirTemp("", "fundwatch-bin-")
	if err != nil {
		panic(err)
	}
	*binary = filepath.Join(dir, "fundwatch")
	out, err := exec.Command("go", "build", "-o", *binary, pkg).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building fundwatch: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// FreeAddr returns a loopback address with a port nobody listens on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
