package eval

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKernels checks combine3 and count3, wide where the processor has
// the wide kernels, against the word-at-a-time loops: every length up to
// a few vectors past a block's multiple of eight, every complement mask,
// and, and or, dst apart from the operands and dst the first operand.
func TestKernels(t *testing.T) {
	if !wideKernels {
		t.Log("no wide kernels on this processor: combine3 and count3 are the word loops")
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
						got := make([]uint64, n)
						if gotN := combine3(got, a, b, c, ma, mb, mc, or); gotN != wantN {
							t.Fatalf("n=%d or=%v masks=%x,%x,%x: combine3 counts %d, the word loop %d", n, or, ma, mb, mc, gotN, wantN)
						}
						if diff := cmp.Diff(want, got); diff != "" {
							t.Fatalf("n=%d or=%v masks=%x,%x,%x: combine3 words (-word loop +combine3):\n%s", n, or, ma, mb, mc, diff)
						}
						inPlace := slices.Clone(a)
						if gotN := combine3(inPlace, inPlace, b, c, ma, mb, mc, or); gotN != wantN || !slices.Equal(inPlace, want) {
							t.Fatalf("n=%d or=%v masks=%x,%x,%x: combine3 into its first operand counts %d, want %d (words equal: %v)",
								n, or, ma, mb, mc, gotN, wantN, slices.Equal(inPlace, want))
						}
						if gotN := count3(a, b, c, ma, mb, mc, or); gotN != wantN {
							t.Fatalf("n=%d or=%v masks=%x,%x,%x: count3 counts %d, the word loop %d", n, or, ma, mb, mc, gotN, wantN)
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
