//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package eval

import (
	"os"
	"syscall"
)

// mapFile maps a whole file into memory, privately: pages are read from
// the page cache on first touch, so a large index opens at once, and a
// stray write would change only this process's copy. The mapping lives as
// long as the process.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() == 0 || int64(int(info.Size())) != info.Size() {
		return os.ReadFile(path)
	}
	return syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
}
