// Package fuzz holds nctarget's native Go fuzz targets. It has no code of
// its own: each target lives in a _test.go file, and its seed corpus in
// testdata/fuzz/<Target>/ runs as an ordinary test on every go test ./...,
// so a crasher, once committed beside its fix, stays fixed.
//
// Run one target for longer with, for example,
//
//	go test ./fuzz/ -run='^$' -fuzz='^FuzzParse$' -fuzztime=5m -parallel=1
package fuzz
