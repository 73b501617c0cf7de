package eval

import (
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on linux/amd64 and
// linux/arm64 with 4 KB base pages.
const hugePageSize = 2 << 20

// willWrite tells the kernel that all of s's capacity is about to be
// written, front to back: the loader's ID column and table, hundreds of
// megabytes at 10M friends. It asks for transparent huge pages where they
// are offered, and maps every page at once (see prefault). Both are only
// advice: where the kernel declines, or s is small, nothing changes.
func willWrite[T any](s []T) {
	if mem := alignedMemory(s, hugePageSize); mem != nil {
		_ = syscall.Madvise(mem, syscall.MADV_HUGEPAGE) // an error only means no huge pages
	}
	prefault(s)
}

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14), which the
// syscall package does not name.
const madvPopulateWrite = 23

// prefault maps every page inside s's capacity, as writable, in one
// system call: on a virtual machine, taking the page faults one by one as
// a loop first writes to fresh memory costs about ten times as much
// (measured here: 160 MB in 22 ms instead of 480 ms). Only what will be
// written is worth it: the pages count as resident at once. On older
// kernels the call fails and the pages fault in as before.
func prefault[T any](s []T) {
	if mem := alignedMemory(s, pageSize); mem != nil {
		_ = syscall.Madvise(mem, madvPopulateWrite)
	}
}

// pageSize is the size of a base page.
var pageSize = uintptr(syscall.Getpagesize())

// alignedMemory returns the whole pages of size align inside s's
// capacity, or nil when s is too small to hold two.
func alignedMemory[T any](s []T, align uintptr) []byte {
	var zero T
	size := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if size < 2*align {
		return nil
	}
	mem := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	lo := (start+align-1)&^(align-1) - start
	hi := (start+size)&^(align-1) - start
	if hi <= lo {
		return nil
	}
	return mem[lo:hi]
}
