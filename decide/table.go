package decide

import "math/bits"

// This file holds the truth tables: bitsets with one bit per point of a
// finite space (assignments of recipient atoms, or cells of the product
// of demographic attributes), and the algebra of both sides over them.

// bitset is a truth table over n points, n fixed by the table that made
// it; bits past n are zero.
type bitset []uint64

// tableOps is the bitset algebra over n points shared by both tables.
type tableOps struct {
	n    int  // points
	work *int // words touched so far, against MaxWork
}

func (t *tableOps) words() int { return (t.n + 63) / 64 }

// spend charges w words of work, stopping with tooLarge past MaxWork.
func (t *tableOps) spend(w int) {
	if *t.work += w; *t.work > MaxWork {
		panic(tooLarge{})
	}
}

func (t *tableOps) top() value {
	b := make(bitset, t.words())
	t.spend(len(b))
	for i := range b {
		b[i] = ^uint64(0)
	}
	t.trim(b)
	return value{bits: b}
}

func (t *tableOps) bottom() value {
	b := make(bitset, t.words())
	t.spend(len(b))
	return value{bits: b}
}

// trim clears the bits past n.
func (t *tableOps) trim(b bitset) {
	if r := t.n % 64; r != 0 {
		b[len(b)-1] &= 1<<r - 1
	}
}

func (t *tableOps) not(v value) value {
	b := make(bitset, len(v.bits))
	t.spend(len(b))
	for i, w := range v.bits {
		b[i] = ^w
	}
	t.trim(b)
	return value{bits: b}
}

// andInto and orInto join y into x, which they own, in place.
func (t *tableOps) andInto(x, y value) value {
	t.spend(len(x.bits))
	for i := range x.bits {
		x.bits[i] &= y.bits[i]
	}
	return x
}

func (t *tableOps) orInto(x, y value) value {
	t.spend(len(x.bits))
	for i := range x.bits {
		x.bits[i] |= y.bits[i]
	}
	return x
}

func (t *tableOps) and(x, y value) value {
	b := make(bitset, len(x.bits))
	t.spend(len(b))
	for i := range b {
		b[i] = x.bits[i] & y.bits[i]
	}
	return value{bits: b}
}

func (t *tableOps) or(x, y value) value {
	b := make(bitset, len(x.bits))
	t.spend(len(b))
	for i := range b {
		b[i] = x.bits[i] | y.bits[i]
	}
	return value{bits: b}
}

func (t *tableOps) empty(v value) bool {
	for _, w := range v.bits {
		if w != 0 {
			return false
		}
	}
	return true
}

func (t *tableOps) within(a, b value) bool {
	t.spend(len(a.bits))
	for i, w := range a.bits {
		if w&^b.bits[i] != 0 {
			return false
		}
	}
	return true
}

func (t *tableOps) disjoint(a, b value) bool {
	t.spend(len(a.bits))
	for i, w := range a.bits {
		if w&b.bits[i] != 0 {
			return false
		}
	}
	return true
}

func (t *tableOps) full(v value) bool {
	return t.count(v) == t.n
}

func (t *tableOps) count(v value) int {
	n := 0
	for _, w := range v.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest point in v, or -1.
func (t *tableOps) first(v value) int {
	for i, w := range v.bits {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// setRun sets bits [from, from+n) of b, a word at a time.
func setRun(b bitset, from, n int) {
	for i, end := from, from+n; i < end; {
		w, bit := i/64, i%64
		k := min(64-bit, end-i) // bits of this word to set
		mask := ^uint64(0)
		if k < 64 {
			mask = (1<<k - 1) << bit
		}
		b[w] |= mask
		i += k
	}
}

// copyBits copies bits [0, n) of b to [to, to+n), which must be clear
// and not overlap them, 64 at a time.
func copyBits(b bitset, to, n int) {
	for i := 0; i < n; i += 64 {
		w := bitsAt(b, i)
		if k := n - i; k < 64 {
			w &= 1<<k - 1
		}
		at, bit := (to+i)/64, (to+i)%64
		b[at] |= w << bit
		if bit > 0 && at+1 < len(b) {
			b[at+1] |= w >> (64 - bit)
		}
	}
}

// bitsAt returns the 64 bits of b from bit i on, zero past its end.
func bitsAt(b bitset, i int) uint64 {
	at, bit := i/64, i%64
	w := b[at] >> bit
	if bit > 0 && at+1 < len(b) {
		w |= b[at+1] << (64 - bit)
	}
	return w
}

// varTable is the truth table of recipient expressions over k atoms:
// point i is the assignment where atom j holds when bit j of i is set.
type varTable struct {
	tableOps
	vars  map[int]int   // recipient set → variable
	atoms map[int]value // variable → its table, made once: values are never changed
}

func newVarTable(k int, vars map[int]int, work *int) *varTable {
	return &varTable{tableOps: tableOps{n: 1 << k, work: work}, vars: vars, atoms: make(map[int]value)}
}

// lowMasks[j] has bit i set when bit j of i is, for j < 6.
var lowMasks = [6]uint64{0xAAAAAAAAAAAAAAAA, 0xCCCCCCCCCCCCCCCC, 0xF0F0F0F0F0F0F0F0,
	0xFF00FF00FF00FF00, 0xFFFF0000FFFF0000, 0xFFFFFFFF00000000}

func (t *varTable) atom(f *Formula) value {
	if f.Kind != Member {
		panic("decide: a recipient expression holds a demographic atom")
	}
	j := t.vars[f.Set]
	if v, ok := t.atoms[j]; ok {
		return v
	}
	b := make(bitset, t.words())
	t.spend(len(b))
	for w := range b {
		switch {
		case j < 6:
			b[w] = lowMasks[j]
		case (w>>(j-6))&1 == 1:
			b[w] = ^uint64(0)
		}
	}
	t.trim(b)
	t.atoms[j] = value{bits: b}
	return t.atoms[j]
}

// pick returns the variables set in the lowest assignment of v.
func (t *varTable) pick(v value) []int {
	i := t.first(v)
	var vs []int
	for j := 0; i > 0; j, i = j+1, i>>1 {
		if i&1 == 1 {
			vs = append(vs, j)
		}
	}
	return vs
}
