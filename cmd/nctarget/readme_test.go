package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestReadmeCommandTable checks that the README's command table has a row
// for every command newRootCmd adds and that the row names each of the
// command's own flags, so that a command or flag added to the CLI is not
// missing from the one table a reader scans for it.
func TestReadmeCommandTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "\n## Command line\n")
	if !ok {
		t.Fatal(`README.md has no "## Command line" section`)
	}
	table, _, _ = strings.Cut(table, "\n\n") // the section opens with a blank line and the table
	rows := map[string]string{}              // command name: its rows, joined
	for _, line := range strings.Split(table, "\n") {
		if name, ok := strings.CutPrefix(line, "| `nctarget "); ok {
			name, _, _ = strings.Cut(name, " ")
			name = strings.TrimSuffix(name, "`")
			rows[name] += line
		}
	}
	for _, cmd := range newRootCmd().Commands() {
		row, ok := rows[cmd.Name()]
		if !ok {
			t.Errorf("README.md's command table has no row for nctarget %s", cmd.Name())
			continue
		}
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" && !strings.Contains(row, "--"+f.Name) && (f.Shorthand == "" || !strings.Contains(row, "-"+f.Shorthand)) {
				t.Errorf("README.md's row for nctarget %s does not name its flag --%s", cmd.Name(), f.Name)
			}
		})
	}
}
