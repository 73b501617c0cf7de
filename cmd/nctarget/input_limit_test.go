package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// endless is an input that never ends, like /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestInputLimit checks that an oversized or endless input fails at once
// with exit status 1 and a message naming the limit, for every command that
// reads a rule or a request body, instead of filling memory.
func TestInputLimit(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"compile", "-"}, {"fmt"}, {"decompile"}} {
		for name, in := range map[string]io.Reader{"endless": endless{}, "one byte over": strings.NewReader(strings.Repeat(" ", maxInputBytes+1))} {
			var stdout, stderr bytes.Buffer
			code := run(args, in, &stdout, &stderr)
			if code != exitInvalid || !strings.Contains(stderr.String(), "standard input:1:16777217: the input is over 16777216 bytes") {
				t.Errorf("%v on %s input: exit %d, stderr %q; want exit 1 naming where the input passes the limit and the limit", args, name, code, stderr.String())
			}
		}
	}
}
