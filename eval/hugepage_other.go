//go:build !linux

package eval

// adviseHuge does nothing where transparent huge pages are not offered.
func adviseHuge[T any](s []T) {}
