//go:build !amd64

package eval

// wideKernels is false: only amd64 has the wide kernels.
var wideKernels = false

// combine3Wide is combine3Words: there is no wide kernel on this
// architecture.
func combine3Wide(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return combine3Words(dst, a, b, c, ma, mb, mc, or)
}

// count3Wide is count3Words: there is no wide kernel on this
// architecture.
func count3Wide(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return count3Words(a, b, c, ma, mb, mc, or)
}
