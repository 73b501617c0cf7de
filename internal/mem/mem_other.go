//go:build !linux

package mem

// Alloc returns n zero values of T from the heap, where memory is not
// mapped (see the Linux version), and NoRelease.
func Alloc[T any](n, mapFrom int) ([]T, func()) { return make([]T, n), NoRelease }

// MapOnly reports that memory cannot be mapped here (see the Linux
// version).
func MapOnly[T any](n int) ([]T, func(), bool) { return nil, NoRelease, false }

// HugePageBytes returns n zero bytes from the heap.
func HugePageBytes(n int) []byte { return make([]byte, n) }
