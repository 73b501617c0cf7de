//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package mem

import "os"

// MapFile reads a whole file; systems without mmap read it at once.
func MapFile(path string) ([]byte, func(), error) {
	data, err := os.ReadFile(path)
	return data, NoRelease, err
}
