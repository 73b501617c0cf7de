// Package passfloor lets a benchmark outside package eval measure the
// floor of eval's pass, reading once each distinct bitset a plan's pass
// reads, without widening eval's exported API: the floor needs the
// pass's bitsets and kernels, which are eval's own. Package eval sets
// ReadOnce when it is initialized; nothing but benchmarks calls it.
package passfloor

// ReadOnce returns a function that reads once each distinct bitset the
// pass of plan, an *eval.Plan, reads, as the pass reads them (a block at
// a time, the blocks shared among the processors, each block counted with
// the pass's popcount), and returns the bits set in them all; and it
// returns how many bitsets that is. It is the least memory traffic any
// evaluation of plan needs. Set by package eval; it panics when plan is
// not an *eval.Plan.
var ReadOnce func(plan any) (read func() uint64, bitsets int)
