package mem

import (
	"math"
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on linux/amd64 and
// linux/arm64 with 4 KB base pages.
const hugePageSize = 2 << 20

// Alloc returns n zero values of T and the function that releases them,
// after which the slice must not be used. When they take mapFrom bytes
// or more (DefaultMapFrom when mapFrom is 0) they are in memory mapped
// for them alone, outside the Go heap; otherwise, or when the kernel
// refuses the mapping, they come from the heap and releasing them does
// nothing.
//
// The loader keeps its largest arrays there (the ID column and table)
// because the heap zeroes what it hands out, on one processor, before any
// use, while the kernel zeroes mapped memory a page at a time as it is
// first written, in huge pages where it offers them: an array sized by
// an upper bound costs only what is written, and is paid for by whoever
// writes it, on every processor. T must hold no pointers, since the
// garbage collector does not look into mapped memory.
func Alloc[T any](n, mapFrom int) ([]T, func()) {
	if mapFrom <= 0 {
		mapFrom = DefaultMapFrom
	}
	var zero T
	if size := uintptr(n) * unsafe.Sizeof(zero); n > 0 && size >= uintptr(mapFrom) {
		if s, unmap, ok := MapOnly[T](n); ok {
			return s, unmap
		}
	}
	return make([]T, n), NoRelease
}

// MapOnly is Alloc without the heap: it reports false when the kernel
// refuses the mapping (or n values do not fit in the address space), for
// callers that would rather do without than allocate that much on the
// heap.
func MapOnly[T any](n int) ([]T, func(), bool) {
	var zero T
	if n <= 0 || uintptr(n) > uintptr(math.MaxInt)/unsafe.Sizeof(zero) {
		return nil, NoRelease, false
	}
	size := uintptr(n) * unsafe.Sizeof(zero)
	mem, err := syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, NoRelease, false
	}
	_ = syscall.Madvise(mem, syscall.MADV_HUGEPAGE) // an error only means no huge pages
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), n), func() { _ = syscall.Munmap(mem) }, true
}

// HugePageBytes returns n zero bytes from the heap, advising the kernel
// to back them with huge pages: for buffers the garbage collector must
// manage (they end up inside roaring bitmaps) but that are too large to
// fault in a page at a time.
func HugePageBytes(n int) []byte {
	b := make([]byte, n)
	if size := uintptr(len(b)); size >= 2*hugePageSize {
		start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		lo := (start+hugePageSize-1)&^(hugePageSize-1) - start // the whole huge pages inside b
		hi := (start+size)&^(hugePageSize-1) - start
		_ = syscall.Madvise(b[lo:hi], syscall.MADV_HUGEPAGE) // an error only means no huge pages
	}
	return b
}
