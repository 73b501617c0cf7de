package eval

import (
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on linux/amd64 and
// linux/arm64 with 4 KB base pages.
const hugePageSize = 2 << 20

// adviseHuge asks the kernel to back the whole 2 MB pages inside s's
// capacity with transparent huge pages. The loader's bitsets and ID column
// are hundreds of megabytes written once, front to back; with 4 KB pages
// each page costs a fault (several microseconds in a virtual machine),
// which was a third of loading users.csv. It is only advice: where huge
// pages are disabled, or s is small, nothing changes.
func adviseHuge[T any](s []T) {
	var zero T
	size := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if size < 2*hugePageSize {
		return
	}
	mem := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	lo := (start+hugePageSize-1)&^(hugePageSize-1) - start
	hi := (start+size)&^(hugePageSize-1) - start
	if hi <= lo {
		return
	}
	_ = syscall.Madvise(mem[lo:hi], syscall.MADV_HUGEPAGE) // an error only means no huge pages
}
