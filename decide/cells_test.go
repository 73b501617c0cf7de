package decide

import "testing"

// TestMask checks each class mask against its definition, point by
// point, on tables whose strides are shorter and longer than a word.
func TestMask(t *testing.T) {
	for _, sp := range []Space{{3, 5, 4}, {2, 3, 7, 5}, {70, 3}, {3, 70, 2}, {1, 65, 3}} {
		var fs []*Formula
		for a, n := range sp {
			for c := range n { // one atom per cell: every cell is a class
				in := make([]bool, n)
				in[c] = true
				fs = append(fs, &Formula{Kind: Cells, Attr: a, In: in})
			}
		}
		work := 0
		tab := newCellTable(sp, &work, &Formula{Kind: And, Args: fs})
		for k := range tab.attrs {
			n, s := len(tab.reps[k]), tab.stride[k]
			for c := range n {
				m := tab.mask(k, c)
				for i := range 64 * len(m) {
					want := i < tab.n && (i/s)%n == c
					if got := m[i/64]&(1<<(i%64)) != 0; got != want {
						t.Fatalf("space %v: mask(%d, %d) bit %d = %v, want %v", sp, k, c, i, got, want)
					}
				}
			}
		}
	}
}
