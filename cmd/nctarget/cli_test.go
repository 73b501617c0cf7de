package main

import (
	"strings"
	"testing"

	"github.com/nctarget/nctarget"
)

func TestCheckCommand(t *testing.T) {
	bad := writeTemp(t, "bad.nct", "where age[33,40)\n")
	for _, tc := range []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr []string // substrings; nil means stderr must be empty
	}{
		{"valid file", "", []string{"check", fullExample}, 0, nil},
		{"valid stdin", "audience(1) where age >= 20", []string{"check"}, 0, nil},
		{"invalid", "where age[33,40)", []string{"check", "-"}, 1,
			[]string{"<stdin>:1:11: age bound 33 is not one the API accepts", "              ^^", "hint: the nearest valid bounds are 30 and 35"}},
		{"warning only", "limit 100", []string{"check"}, 0,
			[]string{"<stdin>:1:1: warning: the rule has no recipient expression and no where clause: it targets every friend"}},
		{"several files, one bad", "", []string{"check", fullExample, bad}, 1, []string{bad + ":1:11: age bound 33"}},
		{"catalog", "", []string{"check", "--catalog", "../../examples/catalog.json", "../../examples/catalog-rule.nct"}, 0, nil},
		{"syntax error", "audience(1) audience(2)", []string{"check"}, 1, []string{`<stdin>:1:13: missing and/or before "audience"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStdin(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if stdout != "" {
				t.Errorf("check printed on stdout:\n%s", stdout)
			}
			if tc.stderr == nil && stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"compile", "--bogus", fullExample}, "unknown flag: --bogus"},
		{"unknown shorthand", []string{"compile", "-z", fullExample}, "unknown shorthand flag: 'z'"},
		{"too many arguments", []string{"compile", fullExample, fullExample}, "compile takes one rule FILE (or - for standard input), got 2 arguments"},
		{"stdin twice", []string{"check", "-", "-"}, "standard input is named 2 times"},
		{"bad --color", []string{"check", "--color", "sometimes"}, `invalid argument "sometimes" for "--color"`},
		{"index without DIR", []string{"index"}, "index takes one DIR, got no DIR\nUsage: nctarget index DIR"},
		{"gen-data with two DIRs", []string{"gen-data", "a", "b"}, "gen-data takes one DIR, got 2 arguments"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"version with an argument", []string{"version", "x"}, `unknown command "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStdin(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty:\n%s", stdout)
			}
			if !strings.Contains(stderr, tc.want) || !strings.HasPrefix(stderr, "nctarget: ") {
				t.Errorf("stderr lacks %q after the nctarget: prefix:\n%s", tc.want, stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := runStdin(t, "", "version")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "nctarget ") || !strings.Contains(stdout, "LINE OpenAPI: "+nctarget.OpenAPIRevision+"\n") {
		t.Errorf("version output lacks the OpenAPI revision %q:\n%s", nctarget.OpenAPIRevision, stdout)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"compile", "--help"}, {"check", "-h"}, {"help", "version"}} {
		code, stdout, stderr := runStdin(t, "", args...)
		if code != 0 || !strings.Contains(stdout, "Usage:") || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout lacks Usage:\n%s", args, code, stderr, stdout)
		}
	}
	_, stdout, _ := runStdin(t, "", "compile", "--help")
	for _, flag := range []string{"--catalog", "--messages", "--compact", "-o, --output", "--no-simplify", "--explain"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("compile --help does not list %s", flag)
		}
	}
}
