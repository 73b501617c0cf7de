//go:build amd64

package eval

import "golang.org/x/sys/cpu"

// wideKernels reports whether the processor combines and counts eight
// words an instruction (AVX-512 with VPOPCNTQ, which x/sys/cpu reports
// only when the operating system saves the registers), so that the pass
// runs combine3Wide and count3Wide; GODEBUG=cpu.avx512f=off turns them
// off. Without them the pass counts a word at a time, which Go compiles,
// for the baseline amd64, to a test of the processor before every
// POPCNT: half the pass's time.
var wideKernels = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPOPCNTDQ

// combine3Wide is combine3Words over a multiple of eight words.
func combine3Wide(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return kernel3AVX512(dst, a[:len(dst)], b, c, ma, mb, mc, or)
}

// count3Wide is count3Words over a multiple of eight words.
func count3Wide(a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
	return kernel3AVX512(nil, a, b, c, ma, mb, mc, or)
}

// kernel3AVX512 is combine3Wide, over len(a) words, or count3Wide when
// dst is nil.
//
//go:noescape
func kernel3AVX512(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64
