//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package eval

import "os"

// mapFile reads a whole file; systems without mmap read it at once.
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }
