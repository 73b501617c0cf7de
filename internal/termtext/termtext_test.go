package termtext

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, 会員 😀", "plain text, 会員 😀"},
		{"\x1b[31mred\x1b]0;t\x07", `\x1b[31mred\x1b]0;t\a`},
		{"a\x00b\x7fc", `a\x00b\x7fc`},
		{"a\rb\tc\nd", `a\rb\tc\nd`},
		{"\u202eevil\u2066", `\u202eevil\u2066`},
		{"\u0085\u2028", `\u0085\u2028`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\U000e0001", `\U000e0001`}, // a tag character (format)
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := EscapeLines("one\x1b\ntwo"); got != "one\\x1b\ntwo" {
		t.Errorf("EscapeLines kept %q", got)
	}
}

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		r    rune
		want int
	}{{'a', 1}, {'会', 2}, {'ｱ', 1}, {'Ａ', 2}, {'😀', 2}, {'\u0301', 0}, {'é', 1}} {
		if got := Width(tc.r); got != tc.want {
			t.Errorf("Width(%q) = %d, want %d", tc.r, got, tc.want)
		}
	}
}
