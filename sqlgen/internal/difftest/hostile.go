package difftest

import (
	"slices"
	"strings"

	"github.com/nctarget/nctarget/sqlgen"
)

// HostileNames are names that would end a quoted identifier or literal,
// start a comment or another statement, or end a line, if written as they
// are, in some dialect; names that look like quotes; reserved words; and
// names of the longest PostgreSQL keeps whole, 63 bytes, one in ASCII and
// one in 21 three-byte characters (a longer name, which PostgreSQL would
// cut to 63 bytes, sqlgen refuses: TestLongNames). No two differ only in
// case, which DuckDB ignores even in quoted identifiers.
var HostileNames = []string{
	`a"b`, "a`b", `a\b`, `a\`, `a'b`, "x--y", "x/*y", "x*/y", "x; DROP TABLE users; --",
	"\u2018a\u2019\u201cb\u201d", `"; --`, "`; --", `\"`, "\\`", `'`, `\'`, `''`, `""`,
	"line\u2028separator", "paragraph\u2029separator", "next\u0085line", "bom\ufeff", "rtl\u202eoverride",
	"select", "from", "user", "order", "null", "table",
	strings.Repeat("long_", 13)[:63], strings.Repeat("長", 21),
}

// HostileStrings are strings a literal carries but no identifier:
// control characters, which backslash-escaping dialects escape.
var HostileStrings = []string{"a\nb", "a\r\nb", "a\tb", "\x1b[31m", "\x7f", "\x01\\"}

// HostileLiterals returns every string a literal must carry as it is:
// HostileNames and HostileStrings.
func HostileLiterals() []string { return append(slices.Clip(HostileNames), HostileStrings...) }

// HostileLayouts returns layouts that between them map every table and
// column to every one of HostileNames, each layout's names distinct, and
// its schema to another hostile name.
func HostileLayouts() []sqlgen.Layout {
	logical := sqlgen.LogicalNames()
	var layouts []sqlgen.Layout
	for first := 0; first < len(HostileNames); first += len(logical) {
		l := sqlgen.Layout{Schema: "hostile" + HostileNames[len(layouts)]}
		for i, n := range logical {
			if err := l.Map(n, HostileNames[(first+i)%len(HostileNames)]); err != nil {
				panic(err)
			}
		}
		layouts = append(layouts, l)
	}
	return layouts
}
