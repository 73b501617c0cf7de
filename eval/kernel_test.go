package eval

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKernels checks combine3 and count3, and every wide kernel the
// processor runs, against the word-at-a-time loops: every length up to a
// few vectors past a multiple of eight, every complement mask, and, and
// or, dst apart from the operands and dst the first operand.
func TestKernels(t *testing.T) {
	var kernels []wideKernel
	for _, k := range wideKernels {
		if k.ok {
			kernels = append(kernels, k)
		} else {
			t.Logf("the processor does not run the %s kernel", k.name)
		}
	}
	r := rand.New(rand.NewPCG(7, 2026))
	words := func(n int) []uint64 {
		ws := make([]uint64, n)
		for i := range ws {
			ws[i] = r.Uint64() & r.Uint64() // about a quarter of the bits
		}
		return ws
	}
	masks := []uint64{0, ^uint64(0)}
	for n := 0; n <= 40; n++ {
		a, b, c := words(n), words(n), words(n)
		for _, or := range []bool{false, true} {
			for _, ma := range masks {
				for _, mb := range masks {
					for _, mc := range masks {
						want := make([]uint64, n)
						wantN := combine3Words(want, a, b, c, ma, mb, mc, or)
						check := func(name string, fn kernel3) {
							t.Helper()
							got := make([]uint64, n)
							if gotN := fn(got, a, b, c, ma, mb, mc, or); gotN != wantN {
								t.Fatalf("%s n=%d or=%v masks=%x,%x,%x: counts %d, the word loop %d", name, n, or, ma, mb, mc, gotN, wantN)
							}
							if diff := cmp.Diff(want, got); diff != "" {
								t.Fatalf("%s n=%d or=%v masks=%x,%x,%x: words (-word loop +%s):\n%s", name, n, or, ma, mb, mc, name, diff)
							}
							inPlace := slices.Clone(a)
							if gotN := fn(inPlace, inPlace, b, c, ma, mb, mc, or); gotN != wantN || !slices.Equal(inPlace, want) {
								t.Fatalf("%s n=%d or=%v masks=%x,%x,%x: into its first operand counts %d, want %d (words equal: %v)",
									name, n, or, ma, mb, mc, gotN, wantN, slices.Equal(inPlace, want))
							}
							if gotN := fn(nil, a, b, c, ma, mb, mc, or); gotN != wantN {
								t.Fatalf("%s n=%d or=%v masks=%x,%x,%x: counting only, %d, the word loop %d", name, n, or, ma, mb, mc, gotN, wantN)
							}
						}
						check("combine3 and count3", func(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64 {
							if dst == nil {
								return count3(a, b, c, ma, mb, mc, or)
							}
							return combine3(dst, a, b, c, ma, mb, mc, or)
						})
						if n%8 == 0 {
							for _, k := range kernels {
								check(k.name, k.fn)
							}
						}
						if gotN := popcount(want); gotN != wantN {
							t.Fatalf("n=%d: popcount of the word loop's words %d, its count %d", n, gotN, wantN)
						}
					}
				}
			}
		}
	}
}
