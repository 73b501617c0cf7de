// Package indexcache is the index cache: the loaded form of a dataset
// (package load's Users and Members) written to a cache directory (never
// the data directory), so that the next preview of the same data maps a
// few arrays and bitmaps instead of parsing text. An index is keyed by
// the data file's absolute path, size and modification time; when the
// file changes, the old index is simply not found. Indexes are mapped,
// not read: what is restored from one refers to the mapping, which its
// release function unmaps.
package indexcache

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/load"
	"github.com/nctarget/nctarget/internal/mem"
	"github.com/nctarget/nctarget/internal/userid"
)

// indexMagic starts every index file; the digit is the format version.
const indexMagic = "NCTIDX05"

// endianCheck is written natively; an index from a machine of the other
// byte order is ignored.
const endianCheck uint32 = 0x01020304

// Key identifies a data file's current contents: its absolute path, size
// and modification time.
func Key(path string) (string, error) {
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

// WriteOptions configure Write.
type WriteOptions struct {
	// Options say how users.csv and the audience and redelivery files
	// are read; Options.Progress reports on users.csv.
	load.Options
	// MembersProgress, when not nil, is called now and then while the
	// audience and redelivery files are read, with the bytes read so far
	// of all of them and their total size.
	MembersProgress func(done, total int64)
}

// Write loads the dataset in dir from its text files and writes its
// index into cacheDir: users.csv and every audience and redelivery file.
// ReadUsers and ReadMembers then find the index while the files are
// unchanged. It returns the paths written.
func Write(dir, cacheDir string, opts WriteOptions) ([]string, error) {
	path, err := load.UsersFile(dir)
	if err != nil {
		return nil, err
	}
	users, err := load.ReadUsers(path, opts.Options)
	if err != nil {
		return nil, err
	}
	defer users.Release()
	key, err := Key(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	out := indexPath(cacheDir, ".users", key)
	if err := writeIndexFile(out, func(w *encoder) { encodeUsers(w, key, users) }); err != nil {
		return nil, err
	}
	written := []string{out}
	files, err := memberFiles(dir)
	if err != nil {
		return written, err
	}
	// Every file's size counts from the start, so that the progress
	// reported goes from 0 to 100% once.
	progress := load.NewProgressSum(opts.MembersProgress)
	reports := make([]func(done, total int64), len(files))
	for i, f := range files {
		if reports[i] = progress.File(); reports[i] != nil {
			if info, err := os.Stat(f); err == nil {
				reports[i](0, info.Size())
			}
		}
	}
	for i, f := range files {
		memberOpts := opts.Options
		memberOpts.Progress = reports[i]
		p, err := writeMembers(cacheDir, key, f, &users.Table, memberOpts)
		if err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// writeMembers loads one audience or redelivery file and writes its
// index, keyed by the users file's key too.
func writeMembers(cacheDir, usersKey, path string, table *userid.Table, opts load.Options) (string, error) {
	set, err := load.ReadMembers(path, table, opts)
	if err != nil {
		return "", err
	}
	key, err := Key(path)
	if err != nil {
		return "", err
	}
	out := indexPath(cacheDir, ".set", usersKey, key)
	return out, writeIndexFile(out, func(w *encoder) {
		w.u64(set.Lines)
		w.u64(set.NonFriends)
		w.bitmap(set.Bits)
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

// encodeUsers writes the users part of the dataset, whose file's key is
// key.
func encodeUsers(w *encoder, key string, u *load.Users) {
	w.str(key)
	l := u.Table.Layout()
	w.u64(uint64(len(l.IDs)))
	w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(l.IDs))), len(l.IDs)*len(userid.ID{})))
	w.u64(uint64(len(l.Slots)))
	w.u64(uint64(l.Shift))
	w.u64(uint64(l.UserBits))
	w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(l.Slots))), 4*len(l.Slots)))
	w.u64(u.Others)
	w.u64(uint64(u.OthersLine))
	for _, a := range nctarget.Attrs {
		sets := u.Attrs[a]
		w.bitmap(sets.Known)
		w.u64(uint64(len(sets.Values)))
		for _, v := range sets.Values {
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

// openIndex maps an index file and checks its header. The caller
// releases the mapping when done with what it decodes.
func openIndex(path string) (*decoder, func(), error) {
	buf, release, err := mem.MapFile(path)
	if err != nil {
		return nil, mem.NoRelease, err
	}
	d := &decoder{buf: buf}
	if string(d.raw(len(indexMagic))) != indexMagic || d.u64() != uint64(endianCheck) {
		release()
		return nil, mem.NoRelease, errors.New("not an index of this version")
	}
	return d, release, nil
}

// ReadUsers loads the index of the users file at path from cacheDir,
// and returns the users and the file's key (see ReadMembers). It returns
// an error when there is no valid index, and never panics on a corrupt
// one. The users' arrays are the index's mapping, which their Release
// unmaps.
func ReadUsers(cacheDir, path string) (u *load.Users, key string, err error) {
	key, err = Key(path)
	if err != nil {
		return nil, "", err
	}
	dec, release, err := openIndex(indexPath(cacheDir, ".users", key))
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if p := recover(); p != nil {
			u, err = nil, fmt.Errorf("corrupt index: %v", p)
		}
		if err != nil {
			release()
		}
	}()
	if string(dec.str()) != key {
		return nil, "", errors.New("index of another file")
	}
	u = decodeUsers(dec, path, release)
	if dec.err != nil {
		return nil, "", dec.err
	}
	return u, key, nil
}

// decodeUsers rebuilds the users of path from their encoded part, whose
// memory release frees.
func decodeUsers(dec *decoder, path string, release func()) *load.Users {
	n := int(dec.u64())
	ids := dec.raw(n * len(userid.ID{}))
	nslots := int(dec.u64())
	shift := uint8(dec.u64())
	userBits := uint8(dec.u64())
	slots := dec.raw(4 * nslots)
	if dec.err != nil {
		return nil
	}
	table, err := userid.Restore(userid.Layout{
		IDs:   unsafe.Slice((*userid.ID)(unsafe.Pointer(unsafe.SliceData(ids))), n),
		Slots: unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(slots))), nslots),
		Shift: shift, UserBits: userBits})
	if err != nil {
		dec.err = fmt.Errorf("index corrupt: %w", err)
		return nil
	}
	others, othersLine := dec.u64(), int(dec.u64())
	var attrs [load.NumAttrs]load.ValueSets
	for _, a := range nctarget.Attrs {
		known := dec.bitmap()
		vals := make([]*roaring.Bitmap, dec.u64())
		if len(vals) != a.NumCells() {
			dec.err = errors.Join(dec.err, errors.New("index corrupt"))
			return nil
		}
		for i := range vals {
			vals[i] = dec.bitmap()
		}
		attrs[a] = load.ValueSets{Known: known, Values: vals}
	}
	return load.NewUsers(table, attrs, others, othersLine, path, release)
}

// ReadMembers loads the index of an audience or redelivery file at path,
// written with the users whose file's key is usersKey and who number
// friends, and returns the members and the function that unmaps the
// memory their bitmap refers to.
func ReadMembers(cacheDir, usersKey, path string, friends int) (set *load.Members, release func(), err error) {
	key, err := Key(path)
	if err != nil || usersKey == "" {
		return nil, mem.NoRelease, errors.New("no index")
	}
	dec, release, err := openIndex(indexPath(cacheDir, ".set", usersKey, key))
	if err != nil {
		return nil, mem.NoRelease, err
	}
	defer func() {
		if p := recover(); p != nil {
			set, err = nil, fmt.Errorf("corrupt index: %v", p)
		}
		if err != nil {
			release()
			release = mem.NoRelease
		}
	}()
	set = &load.Members{Path: path, Lines: dec.u64(), NonFriends: dec.u64(), Bits: dec.bitmap()}
	if dec.err != nil || (!set.Bits.IsEmpty() && uint64(set.Bits.Maximum()) >= uint64(friends)) {
		return nil, mem.NoRelease, errors.Join(dec.err, errors.New("index corrupt"))
	}
	return set, release, nil
}

// Status describes whether dir has an up-to-date index in cacheDir, for
// nctarget index --status, and reports whether it has.
func Status(dir, cacheDir string) (desc string, upToDate bool, err error) {
	path, err := load.UsersFile(dir)
	if err != nil {
		return "", false, err
	}
	key, err := Key(path)
	if err != nil {
		return "", false, err
	}
	idx := indexPath(cacheDir, ".users", key)
	info, err := os.Stat(idx)
	if err != nil {
		return "no up-to-date index of " + path + " in " + cacheDir, false, nil
	}
	return idx + " (" + strconv.FormatInt(info.Size(), 10) + " bytes) is up to date with " + path, true, nil
}

// memberFiles lists the audience and redelivery files of the data
// directory dir that eval reads (see load.MemberFiles).
func memberFiles(dir string) ([]string, error) {
	var files []string
	for _, sub := range []string{"audiences", "redeliveries"} {
		paths, err := load.MemberFiles(filepath.Join(dir, sub))
		if err != nil {
			return nil, err
		}
		files = append(files, paths...)
	}
	return files, nil
}
