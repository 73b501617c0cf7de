package load

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// MemberFiles returns the paths of the member files in dir, a data
// directory's audiences/ or redeliveries/, one for each key (see
// MemberKey), sorted by key: the file eval reads for the key, which
// DataFile chooses, name.txt when both it and name.txt.gz exist. It
// reads the directory rather than matching a pattern, as a directory's
// name may hold *, ? or [, which a pattern would take for its own, and
// it skips directories. A missing dir holds none; one that cannot be
// read is an error.
func MemberFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".txt.gz")) {
			keys = append(keys, MemberKey(n))
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	paths := make([]string, len(keys))
	for i, k := range keys {
		if paths[i], err = DataFile(filepath.Join(dir, k+".txt")); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// MemberKey returns the key of the member file name (or path): its
// audienceGroupId or requestId, the name without .txt or .txt.gz.
func MemberKey(name string) string {
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(name), ".gz"), ".txt")
}
