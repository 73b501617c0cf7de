package decide

// bdd is a reduced ordered binary decision diagram over the recipient
// atoms, for recipient expressions with more atoms than a truth table
// holds. Variables are ordered by first appearance; node 0 is nobody and
// node 1 every friend.
type bdd struct {
	vars   map[int]int // recipient set → variable
	nodes  []bddNode
	unique map[bddNode]int32
	memo   map[[3]int32]int32 // (op, a, b) → result
}

// maxBDDNodes bounds a BDD to some 50 MB of nodes and tables; a
// recipient expression needing more is too large to decide (ErrTooLarge).
// Tests lower it.
var maxBDDNodes = 1 << 19

// bddNode is a decision on variable v: lo when it is false, hi when true.
type bddNode struct{ v, lo, hi int32 }

// The operations memoized in bdd.memo.
const (
	opAnd int32 = iota
	opOr
	opNot
)

func newBDD(vars map[int]int) *bdd {
	n := int32(len(vars))
	return &bdd{
		vars:   vars,
		nodes:  []bddNode{{v: n}, {v: n}}, // terminals sort after every variable
		unique: make(map[bddNode]int32),
		memo:   make(map[[3]int32]int32),
	}
}

// mk returns the node deciding v between lo and hi, shared and reduced.
func (b *bdd) mk(v, lo, hi int32) int32 {
	if lo == hi {
		return lo
	}
	k := bddNode{v, lo, hi}
	if id, ok := b.unique[k]; ok {
		return id
	}
	if len(b.nodes) >= maxBDDNodes {
		panic(tooLarge{})
	}
	id := int32(len(b.nodes))
	b.nodes = append(b.nodes, k)
	b.unique[k] = id
	return id
}

func (b *bdd) top() value { return value{node: 1} }

func (b *bdd) bottom() value { return value{node: 0} }

func (b *bdd) atom(f *Formula) value {
	if f.Kind != Member {
		panic("decide: a recipient expression holds a demographic atom")
	}
	return value{node: b.mk(int32(b.vars[f.Set]), 0, 1)}
}

func (b *bdd) not(x value) value { return value{node: b.apply(opNot, x.node, 0)} }

func (b *bdd) and(x, y value) value { return value{node: b.apply(opAnd, x.node, y.node)} }

func (b *bdd) or(x, y value) value { return value{node: b.apply(opOr, x.node, y.node)} }

func (b *bdd) andInto(x, y value) value { return b.and(x, y) }

func (b *bdd) orInto(x, y value) value { return b.or(x, y) }

func (b *bdd) within(x, y value) bool { return b.empty(b.and(x, b.not(y))) }

func (b *bdd) disjoint(x, y value) bool { return b.empty(b.and(x, y)) }

func (b *bdd) empty(x value) bool { return x.node == 0 }

func (b *bdd) full(x value) bool { return x.node == 1 }

// apply combines x and y (y unused for opNot) by Shannon expansion on
// their first variable.
func (b *bdd) apply(op, x, y int32) int32 {
	if r, ok := b.terminal(op, x, y); ok {
		return r
	}
	k := [3]int32{op, x, y}
	if r, ok := b.memo[k]; ok {
		return r
	}
	nx, ny := b.nodes[x], b.nodes[y]
	v := min(nx.v, ny.v)
	if op == opNot {
		v = nx.v
	}
	xl, xh := b.cofactors(x, v)
	yl, yh := b.cofactors(y, v)
	r := b.mk(v, b.apply(op, xl, yl), b.apply(op, xh, yh))
	b.memo[k] = r
	return r
}

// terminal returns the result of op when a terminal decides it.
func (b *bdd) terminal(op, x, y int32) (int32, bool) {
	switch op {
	case opNot:
		if x < 2 {
			return 1 - x, true
		}
	case opAnd:
		switch {
		case x == 0 || y == 0:
			return 0, true
		case x == 1:
			return y, true
		case y == 1 || x == y:
			return x, true
		}
	case opOr:
		switch {
		case x == 1 || y == 1:
			return 1, true
		case x == 0:
			return y, true
		case y == 0 || x == y:
			return x, true
		}
	}
	return 0, false
}

// cofactors returns x with variable v false and true.
func (b *bdd) cofactors(x, v int32) (lo, hi int32) {
	n := b.nodes[x]
	if n.v != v {
		return x, x
	}
	return n.lo, n.hi
}

// pick returns the variables set on one path from x to every friend,
// taking the false branch where it can, so the witness is in few sets.
func (b *bdd) pick(x value) []int {
	var vs []int
	for n := x.node; n > 1; {
		nd := b.nodes[n]
		if nd.lo != 0 {
			n = nd.lo
			continue
		}
		vs = append(vs, int(nd.v))
		n = nd.hi
	}
	return vs
}
