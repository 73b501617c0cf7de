package eval

import (
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMappedArrays loads every chunkFiles variant with all arrays in
// mapped memory (see mapped), as large files have them, and checks that
// they load as from the heap; then, after the datasets are dropped and
// their memory unmapped, that a dataset still in use reads only memory
// of its own (a read of unmapped memory would crash the test).
func TestMappedArrays(t *testing.T) {
	files := chunkFiles()
	want := map[string]loaded{}
	for name, content := range files {
		want[name] = loadAll(t, writeData(t, map[string]string{"users.csv": content}), 1000)
	}
	saved := minMapped
	minMapped = 1
	defer func() { minMapped = saved }()
	keep, err := Load(writeData(t, map[string]string{"users.csv": files["plain"]}), LoadOptions{ChunkSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		dir := writeData(t, map[string]string{"users.csv": content})
		if diff := cmp.Diff(want[name], loadAll(t, dir, 1000)); diff != "" {
			t.Errorf("%s: mapped (-heap +mapped):\n%s", name, diff)
		}
		runtime.GC() // run the cleanups that unmap the datasets just dropped
	}
	for i := range keep.Len() {
		if j, ok := keep.Index(keep.UserID(uint32(i))); !ok || j != uint32(i) {
			t.Fatalf("user %d: Index(UserID) = %d, %v", i, j, ok)
		}
	}
}
