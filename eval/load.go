package eval

import (
	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/load"
)

// LoadOptions configure Load. The zero value loads users.csv with no
// progress reports and no index cache.
type LoadOptions struct {
	// Progress, when not nil, is called now and then while users.csv is
	// read, with the bytes read so far and the file's size.
	Progress func(done, total int64)
	// MembersProgress, when not nil, is called now and then while
	// audience and redelivery files are read, when plans first name
	// them, with the bytes read so far of every file begun and their
	// total size: the total grows as plans name more files.
	MembersProgress func(done, total int64)
	// CacheDir, when not empty, is where Load looks for an index written
	// by nctarget index, which loads many times faster than users.csv.
	CacheDir string
	// ChunkSize is how many bytes of users.csv a processor parses at a
	// time; 0 means 2 MB. The dataset and the errors never depend on it:
	// tests and fuzzing set a few bytes, so that chunk boundaries fall
	// everywhere, and check exactly that.
	ChunkSize int

	// mapFrom is load.Options.MapFrom, which tests set.
	mapFrom int
}

// Load reads the dataset in dir, laid out as docs/eval.md says:
// dir/users.csv (or users.csv.gz) now, and each audiences/<id>.txt and
// redeliveries/<requestId>.txt (or .txt.gz) when a plan first names it.
// Nothing is written into dir. Every malformed line is an error naming its
// file and line; the error is an nctarget.ErrorList. Close the dataset
// when done with it.
func Load(dir string, opts LoadOptions) (*Dataset, error) {
	path, err := load.UsersFile(dir)
	if err != nil {
		return nil, err
	}
	var d *Dataset
	if opts.CacheDir != "" {
		if u, key, err := indexcache.ReadUsers(opts.CacheDir, path); err == nil {
			d = newDataset(u)
			d.key, d.indexed = key, true
		}
	}
	if d == nil {
		u, err := load.ReadUsers(path, load.Options{Progress: opts.Progress, ChunkSize: opts.ChunkSize, MapFrom: opts.mapFrom})
		if err != nil {
			return nil, err
		}
		d = newDataset(u)
		if opts.CacheDir != "" {
			d.key, _ = indexcache.Key(path) // for the index of audience and redelivery files
		}
	}
	d.dir, d.cacheDir = dir, opts.CacheDir
	d.membersProgress = load.NewProgressSum(opts.MembersProgress)
	return d, nil
}
