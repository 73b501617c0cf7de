// Package nctarget compiles targeting rules for LINE Messaging API
// narrowcast messages. A rule such as
//
//	audience(5614991017776) and not redelivery("5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4")
//	where gender in (female) and age[35,40)
//	limit 100 upToRemainingQuota
//
// says who receives a narrowcast (the recipient expression), which of them
// (the demographic filter after where) and how many (the limit clause).
// nctarget checks it against what the API accepts, with diagnostics that
// give the file, line and column, what is wrong and what to write instead,
// simplifies it and writes the recipient, filter and limit parts of the
// narrowcast request body as JSON.
//
// The pipeline is one file per stage:
//
//	source ─ lexer.go ─▶ tokens ─ parse.go ─▶ AST (ast.go) ─ simplify.go ─▶ AST ─ compile.go ─▶ JSON
//	                                  ▲                                             │
//	                         decompile.go ◀──────────────── JSON ◀───────────────────┘
//
// Parse builds the AST with one recursive-descent parser, checking each
// atom as it goes; validate.go states once what the API accepts in a tree,
// for parsed, decompiled and hand-built trees alike; Compile resolves
// audience names through a Catalog, runs the exact lints, simplifies and
// returns a Request whose JSON method writes the body. Decompile reads such
// JSON back into a rule, and Format prints a rule in canonical layout.
// Errors are an ErrorList of *Diagnostic, each with its position.
// Evaluation against local user data is package eval; sending with LINE's
// Go SDK, package linesdk.
//
// A short example:
//
//	src := []byte("audience(5614991017776) where age >= 20")
//	req, err := nctarget.Compile("rule.nct", src, nctarget.Options{})
//	if err != nil {
//		nctarget.PrintError(os.Stderr, err, src)
//		return err
//	}
//	os.Stdout.Write(req.JSON(true))
package nctarget
