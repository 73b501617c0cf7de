package eval

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// This file is the index cache: the loaded form of a dataset written to a
// cache directory (never the data directory), so that the next preview of
// the same data reads a few arrays and bitmaps instead of parsing text. An
// index is keyed by the data file's absolute path, size and modification
// time; when the file changes, the old index is simply not found.

// indexMagic starts every index file; the digit is the format version.
const indexMagic = "NCTIDX05"

// endianCheck is written natively; an index from a machine of the other
// byte order is ignored.
const endianCheck uint32 = 0x01020304

// fileKey identifies a data file's current contents.
func fileKey(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s\x00%d\x00%d", abs, info.Size(), info.ModTime().UnixNano()), nil
}

// indexPath returns the cache file for the given keys.
func indexPath(cacheDir, suffix string, keys ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(keys, "\x01")))
	return filepath.Join(cacheDir, hex.EncodeToString(sum[:16])+suffix)
}

// WriteIndex loads the dataset in dir from its text files and writes its
// index into cacheDir: users.csv and every audience and redelivery file.
// Load with LoadOptions.CacheDir then reads the index while the files are
// unchanged. It returns the paths written.
func WriteIndex(dir, cacheDir string, opts LoadOptions) ([]string, error) {
	path, err := dataFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		return nil, err
	}
	d, err := loadUsers(path, opts)
	if err != nil {
		return nil, err
	}
	if d.key, err = fileKey(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	out := indexPath(cacheDir, ".users", d.key)
	if err := writeIndexFile(out, d.encodeUsers); err != nil {
		return nil, err
	}
	written := []string{out}
	for _, sub := range []string{"audiences", "redeliveries"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.txt*"))
		for _, f := range files {
			if !strings.HasSuffix(f, ".txt") && !strings.HasSuffix(f, ".txt.gz") {
				continue
			}
			p, err := d.indexSet(cacheDir, f)
			if err != nil {
				return written, err
			}
			written = append(written, p)
		}
	}
	return written, nil
}

// indexSet loads one audience or redelivery file and writes its index.
func (d *Dataset) indexSet(cacheDir, path string) (string, error) {
	set, err := d.loadMembers(path)
	if err != nil {
		return "", err
	}
	key, err := fileKey(path)
	if err != nil {
		return "", err
	}
	out := indexPath(cacheDir, ".set", d.key, key)
	return out, writeIndexFile(out, func(w *encoder) {
		w.u64(set.lines)
		w.u64(set.nonFriends)
		w.bitmap(set.bits)
	})
}

// writeIndexFile writes an index through a temporary file and a rename,
// so a reader never sees half an index.
func writeIndexFile(path string, fill func(*encoder)) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".idx*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	w := &encoder{w: bufio.NewWriterSize(f, 1<<20)}
	w.w.WriteString(indexMagic)
	w.u64(uint64(endianCheck))
	fill(w)
	if err := errors.Join(w.err, w.w.Flush(), f.Close()); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// encodeUsers writes the users part of the dataset.
func (d *Dataset) encodeUsers(w *encoder) {
	w.str(d.key)
	w.u64(uint64(len(d.ids)))
	w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(d.ids))), len(d.ids)*len(userID{})))
	w.u64(uint64(len(d.table.slots)))
	w.u64(uint64(d.table.shift))
	w.u64(uint64(d.table.userBits))
	w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(d.table.slots))), 4*len(d.table.slots)))
	w.u64(d.others)
	w.u64(uint64(d.othersLine))
	for _, a := range nctarget.Attrs {
		ix := d.attrs[a]
		w.bitmap(ix.known)
		w.u64(uint64(len(ix.values)))
		for _, v := range ix.values {
			w.bitmap(v)
		}
	}
}

// encoder writes index fields; the first error sticks.
type encoder struct {
	w   *bufio.Writer
	n   int
	err error
}

func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
		e.n += len(b)
	}
}

func (e *encoder) u64(v uint64) { e.raw(binary.NativeEndian.AppendUint64(nil, v)) }

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.raw([]byte(s))
	e.raw(make([]byte, (8-len(s)%8)%8)) // keep 8-byte alignment
}

func (e *encoder) bitmap(bm *roaring.Bitmap) {
	b, err := bm.ToBytes()
	if err != nil && e.err == nil {
		e.err = err
	}
	e.str(string(b))
}

// decoder reads index fields from a buffer; any inconsistency sets err.
type decoder struct {
	buf []byte
	off int
	err error
}

func (d *decoder) raw(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.buf)-d.off {
		d.err = errors.New("index truncated")
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

func (d *decoder) u64() uint64 {
	b := d.raw(8)
	if b == nil {
		return 0
	}
	return binary.NativeEndian.Uint64(b)
}

func (d *decoder) str() []byte {
	n := d.u64()
	if n > uint64(len(d.buf)) {
		d.err = errors.New("index corrupt")
		return nil
	}
	b := d.raw(int(n))
	d.raw(int((8 - n%8) % 8))
	return b
}

func (d *decoder) bitmap() *roaring.Bitmap {
	b := d.str()
	bm := roaring.New()
	if d.err == nil {
		if _, err := bm.FromBuffer(b); err != nil {
			d.err = err
		}
	}
	return bm
}

// openIndex reads an index file and checks its header.
func openIndex(path string) (*decoder, error) {
	buf, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	d := &decoder{buf: buf}
	if string(d.raw(len(indexMagic))) != indexMagic || d.u64() != uint64(endianCheck) {
		return nil, errors.New("not an index of this version")
	}
	return d, d.err
}

// readIndex loads the index of the users file at path from cacheDir; it
// returns an error when there is no valid index, and never panics on a
// corrupt one.
func readIndex(cacheDir, path string) (d *Dataset, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("corrupt index: %v", p)
		}
	}()
	key, err := fileKey(path)
	if err != nil {
		return nil, err
	}
	dec, err := openIndex(indexPath(cacheDir, ".users", key))
	if err != nil {
		return nil, err
	}
	if string(dec.str()) != key {
		return nil, errors.New("index of another file")
	}
	d = decodeUsers(dec)
	if dec.err != nil {
		return nil, dec.err
	}
	d.key, d.indexed = key, true
	d.dataWarnings(path)
	return d, nil
}

// decodeUsers rebuilds a dataset from its encoded users part.
func decodeUsers(dec *decoder) *Dataset {
	n := int(dec.u64())
	ids := dec.raw(n * len(userID{}))
	nslots := int(dec.u64())
	shift := uint8(dec.u64())
	userBits := dec.u64()
	slots := dec.raw(4 * nslots)
	if dec.err != nil || nslots <= n || nslots&(nslots-1) != 0 || int(shift) != 64-bits.TrailingZeros(uint(nslots)) ||
		userBits != uint64(bits.Len32(uint32(n))) {
		dec.err = errors.Join(dec.err, errors.New("index corrupt"))
		return nil
	}
	d := &Dataset{audiences: map[int64]*memberSet{}, redeliveries: map[string]*memberSet{}, all: roaring.New()}
	d.ids = unsafe.Slice((*userID)(unsafe.Pointer(unsafe.SliceData(ids))), n)
	d.table = idTable{slots: unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(slots))), nslots), shift: shift, userBits: uint8(userBits)}
	d.others, d.othersLine = dec.u64(), int(dec.u64())
	d.all.AddRange(0, uint64(n))
	for _, a := range nctarget.Attrs {
		known := dec.bitmap()
		vals := make([]*roaring.Bitmap, dec.u64())
		if len(vals) != numValues(a) {
			dec.err = errors.Join(dec.err, errors.New("index corrupt"))
			return nil
		}
		for i := range vals {
			vals[i] = dec.bitmap()
		}
		d.attrs[a] = newIndex(a, known, vals)
	}
	return d
}

// readSetIndex loads the index of an audience or redelivery file.
func (d *Dataset) readSetIndex(path string) (set *memberSet, err error) {
	defer func() {
		if p := recover(); p != nil {
			set, err = nil, fmt.Errorf("corrupt index: %v", p)
		}
	}()
	key, err := fileKey(path)
	if err != nil || d.key == "" {
		return nil, errors.New("no index")
	}
	dec, err := openIndex(indexPath(d.opts.CacheDir, ".set", d.key, key))
	if err != nil {
		return nil, err
	}
	set = &memberSet{path: path, lines: dec.u64(), nonFriends: dec.u64(), bits: dec.bitmap()}
	if dec.err != nil || (!set.bits.IsEmpty() && uint64(set.bits.Maximum()) >= uint64(len(d.ids))) {
		return nil, errors.Join(dec.err, errors.New("index corrupt"))
	}
	return set, nil
}

// IndexStatus describes whether dir has an up-to-date index in cacheDir,
// for nctarget index --status.
func IndexStatus(dir, cacheDir string) (string, error) {
	path, err := dataFile(filepath.Join(dir, "users.csv"))
	if err != nil {
		return "", err
	}
	key, err := fileKey(path)
	if err != nil {
		return "", err
	}
	idx := indexPath(cacheDir, ".users", key)
	info, err := os.Stat(idx)
	if err != nil {
		return "no index of " + path + " in " + cacheDir, nil
	}
	return idx + " (" + strconv.FormatInt(info.Size(), 10) + " bytes) is up to date with " + path, nil
}
