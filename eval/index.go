package eval

import "errors"

// readIndex loads the index cache of the users file at path from
// cacheDir; it returns nil when there is no valid index.
func readIndex(cacheDir, path string) (*Dataset, error) {
	return nil, errors.New("no index")
}
