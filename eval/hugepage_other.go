//go:build !linux

package eval

// willWrite does nothing where the kernel takes no advice on memory.
func willWrite[T any](s []T) {}
