//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package mem

import (
	"os"
	"syscall"
)

// MapFile maps a whole file into memory, privately, and returns the
// function that unmaps it: pages are read from the page cache on first
// touch, so a large index opens at once, and a stray write would change
// only this process's copy. An empty file, or one too large for the
// address space, is read instead (and its release does nothing).
func MapFile(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, NoRelease, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, NoRelease, err
	}
	if info.Size() == 0 || int64(int(info.Size())) != info.Size() {
		data, err := os.ReadFile(path)
		return data, NoRelease, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, NoRelease, err
	}
	return data, func() { _ = syscall.Munmap(data) }, nil
}
