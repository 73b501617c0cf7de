//go:build !linux

package eval

// mapped returns n zero values of T from the heap, where the loader does
// not map memory itself (see the Linux version), and noUnmap.
func mapped[T any](n int) ([]T, func()) { return make([]T, n), noUnmap }

// mapOnly reports that memory cannot be mapped here (see the Linux
// version).
func mapOnly[T any](n int) ([]T, func(), bool) { return nil, noUnmap, false }

// heapHuge returns n zero bytes from the heap.
func heapHuge(n int) []byte { return make([]byte, n) }
