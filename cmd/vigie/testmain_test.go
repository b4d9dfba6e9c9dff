package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain gives the tests a data directory of their own: commands that
// default to the environment's ($VIGIE_DATA, ~/.local/share/vigie) must not
// read or write the developer's.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigie-test-data-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("VIGIE_DATA", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
