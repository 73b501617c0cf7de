package load

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMappedArrays loads every chunkFiles variant with all arrays in
// mapped memory (Options.MapFrom 1), as large files have them, and checks
// that they load as from the heap; then, after those users are released
// and their memory unmapped, that users still in use read only memory of
// their own (a read of unmapped memory would crash the test).
func TestMappedArrays(t *testing.T) {
	t.Parallel()
	files := chunkFiles()
	keep, err := ReadUsers(filepath.Join(writeData(t, map[string]string{"users.csv": files["plain"]}), "users.csv"), Options{ChunkSize: 64, MapFrom: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Release()
	for name, content := range files {
		dir := writeData(t, map[string]string{"users.csv": content})
		heap, mapped := loadWith(t, dir, Options{ChunkSize: 1000}), loadWith(t, dir, Options{ChunkSize: 1000, MapFrom: 1})
		if diff := cmp.Diff(heap, mapped); diff != "" {
			t.Errorf("%s: mapped (-heap +mapped):\n%s", name, diff)
		}
	}
	for i := range keep.Len() {
		if j, ok := keep.Table.Lookup(keep.Table.ID(uint32(i))); !ok || j != uint32(i) {
			t.Fatalf("user %d: Lookup(ID) = %d, %v", i, j, ok)
		}
	}
}
