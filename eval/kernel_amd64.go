//go:build amd64

package eval

import "golang.org/x/sys/cpu"

// kernel3 sets dst to (a xor ma) and (b xor mb) and (c xor mc), or their
// or, over len(a) words, a multiple of eight, and returns the bits set;
// with dst nil it only counts them.
type kernel3 func(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64

// wideKernel is one implementation of kernel3 and whether the processor
// runs it (x/sys/cpu reports a feature only when the operating system
// saves its registers, and GODEBUG=cpu.avx512f=off or cpu.avx2=off turns
// one off).
type wideKernel struct {
	name string
	ok   bool
	fn   kernel3
}

// wideKernels are the implementations of kernel3, the fastest first:
// eight words an instruction with AVX-512 and VPOPCNTQ, four with AVX2
// and a table of the bits of each half byte. Without either the pass
// works a word at a time, which Go compiles, for the baseline amd64, to a
// test of the processor before every POPCNT, several times slower
// (docs/eval.md has the measurements).
var wideKernels = []wideKernel{
	{"AVX-512", cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPOPCNTDQ, kernel3AVX512},
	{"AVX2", cpu.X86.HasAVX2, kernel3AVX2},
}

// wide is the first of wideKernels the processor runs, or nil.
var wide = firstWide()

func firstWide() kernel3 {
	for _, k := range wideKernels {
		if k.ok {
			return k.fn
		}
	}
	return nil
}

// hasWide reports whether combine3Wide and count3Wide may be called.
func hasWide() bool { return wide != nil }

// combine3Wide is combine3Words over a multiple of eight words.
func combine3Wide(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return wide(dst, a[:len(dst)], b, c, ma, mb, mc, or)
}

// count3Wide is count3Words over a multiple of eight words.
func count3Wide(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return wide(nil, a, b, c, ma, mb, mc, or)
}

//go:noescape
func kernel3AVX512(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64

//go:noescape
func kernel3AVX2(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64
