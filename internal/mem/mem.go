// Package mem hands out the loader's large arrays: mapped outside the Go
// heap where that is cheaper to fill (Alloc, MapOnly), heap buffers in
// huge pages (HugePageBytes), and files mapped for reading (MapFile).
// Every mapping comes with the function that releases it; whoever holds
// the memory calls it once, when nothing reads the memory any more (a
// dataset does in its Close).
package mem

// DefaultMapFrom is the size from which Alloc maps memory: two huge
// pages. Smaller arrays come from the heap, where a mapping would cost
// more than it saves.
const DefaultMapFrom = 4 << 20

// NoRelease releases memory that is not mapped: nothing.
func NoRelease() {}
