package eval

import (
	"iter"

	"github.com/nctarget/nctarget/internal/userid"
)

// SelectedIDs returns the user IDs of the recipients after limit.max
// (Selected), in users.csv order, for programs that want the IDs rather
// than the roaring bitmap of user numbers. The dataset must stay open
// while they are read.
func (r *Result) SelectedIDs() iter.Seq[string] {
	return func(yield func(string) bool) {
		if r.plan == nil {
			return
		}
		table := r.plan.d.table()
		it := r.Selected().Iterator()
		for it.HasNext() {
			if !yield(table.ID(it.Next()).String()) {
				return
			}
		}
	}
}

// FormatID returns a well-formed user ID made from n, for tests and
// synthetic data: FormatID(1) is "U00000000000000000000000000000001".
func FormatID(n uint64) string { return userid.Format(n) }
