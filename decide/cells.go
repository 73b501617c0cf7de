package decide

// cellTable is the truth table of filters: one point per combination of
// a class of each attribute the formulas name. A class is a set of cells
// no atom tells apart (age 40–44 and 45–49 when no bound between them is
// used), so the product has as many points as the rule can distinguish,
// usually far fewer than the cells themselves.
type cellTable struct {
	tableOps
	sp     Space
	attrs  []int              // attributes named, in increasing order
	pos    map[int]int        // attribute → index in attrs
	reps   [][]int            // per named attribute: class → its first cell
	stride []int              // per named attribute: points between classes
	masks  map[[2]int]bitset  // (attribute index, class) → its points, made on demand
	atoms  map[*Formula]value // atom → its table, made once: values are never changed
}

// newCellTable splits the cells of every attribute fs name into classes.
func newCellTable(sp Space, work *int, fs ...*Formula) *cellTable {
	t := &cellTable{tableOps: tableOps{n: 1, work: work}, sp: sp, pos: make(map[int]int), masks: make(map[[2]int]bitset)}
	byAttr := make(map[int][]*Formula)
	n := 0
	for _, f := range fs {
		walk(f, func(a *Formula) {
			if a.Kind != Cells {
				return
			}
			if a.Attr < 0 || a.Attr >= len(sp) || len(a.In) != sp[a.Attr] {
				panic("decide: a Cells atom does not fit the Space")
			}
			byAttr[a.Attr] = append(byAttr[a.Attr], a)
			n++
		})
	}
	t.atoms = make(map[*Formula]value, n) // sized once: a growing map costs more than the tables
	for a := range sp {
		atoms, ok := byAttr[a]
		if !ok {
			continue
		}
		_, reps := classes(sp[a], atoms)
		t.pos[a] = len(t.attrs)
		t.attrs = append(t.attrs, a)
		t.reps = append(t.reps, reps)
		t.stride = append(t.stride, t.n)
		t.n *= len(reps)
	}
	return t
}

// classes splits n cells by the atoms that match them: two cells are in
// one class when every atom matches both or neither. It returns each
// cell's class and each class's first cell.
func classes(n int, atoms []*Formula) (classOf, reps []int) {
	classOf = make([]int, n)
	count := 1
	for _, a := range atoms {
		next := make([]int, 2*count) // (old class, matched) → new class + 1
		ids := 0
		for c := range classOf {
			k := 2 * classOf[c]
			if a.In[c] {
				k++
			}
			if next[k] == 0 {
				ids++
				next[k] = ids
			}
			classOf[c] = next[k] - 1
		}
		count = ids
	}
	reps = make([]int, count)
	for i := range reps {
		reps[i] = -1
	}
	for c := n - 1; c >= 0; c-- {
		reps[classOf[c]] = c
	}
	return classOf, reps
}

// atom returns the points where a Cells atom holds: the union of the
// points of the classes it matches.
func (t *cellTable) atom(f *Formula) value {
	if f.Kind != Cells {
		panic("decide: a filter holds a recipient atom")
	}
	if v, ok := t.atoms[f]; ok {
		return v
	}
	k := t.pos[f.Attr]
	b := make(bitset, t.words())
	t.spend(len(b))
	for c, cell := range t.reps[k] {
		if !f.In[cell] {
			continue
		}
		m := t.mask(k, c)
		t.spend(len(b))
		for i := range b {
			b[i] |= m[i]
		}
	}
	t.atoms[f] = value{bits: b}
	return t.atoms[f]
}

// mask returns the points where named attribute k is in class c.
func (t *cellTable) mask(k, c int) bitset {
	if m, ok := t.masks[[2]int{k, c}]; ok {
		return m
	}
	m := make(bitset, t.words())
	n, s := len(t.reps[k]), t.stride[k]
	t.spend(len(m) + t.n/(n*s))
	// The mask repeats every n*s points: set the first period, then
	// double the part made, so a short stride costs words, not bits.
	setRun(m, c*s, s)
	for made := n * s; made < t.n; made *= 2 {
		copyBits(m, made, min(made, t.n-made))
	}
	t.masks[[2]int{k, c}] = m
	return m
}

// pick returns the cell of each attribute at the lowest point of v, -1
// for attributes not named.
func (t *cellTable) pick(v value) []int {
	cells := make([]int, len(t.sp))
	for a := range cells {
		cells[a] = -1
	}
	i := t.first(v)
	for k, a := range t.attrs {
		n := len(t.reps[k])
		cells[a] = t.reps[k][(i/t.stride[k])%n]
	}
	return cells
}
