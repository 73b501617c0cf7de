//go:build !amd64

package eval

// kernel3 is as on amd64; no architecture but amd64 has one.
type kernel3 func(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64

// wideKernel is as on amd64.
type wideKernel struct {
	name string
	ok   bool
	fn   kernel3
}

// wideKernels is empty: the pass works a word at a time.
var wideKernels []wideKernel

// hasWide reports false: there is no wide kernel on this architecture.
func hasWide() bool { return false }

// combine3Wide is never called: hasWide is false.
func combine3Wide(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	panic("eval: no wide kernel on this architecture")
}

// count3Wide is never called: hasWide is false.
func count3Wide(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	panic("eval: no wide kernel on this architecture")
}
