package eval

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/nctarget/nctarget"
)

// This file loads audience and redelivery files: one user ID per line,
// resolved to friends through the ID table.

// batchSize is how many IDs of an audience file are looked up together.
const batchSize = 256

// audience returns the members of audience a, loading its file when needed.
func (d *Dataset) audience(a *nctarget.Audience) (*memberSet, error) {
	if a.ID == 0 {
		return nil, &ruleError{fmt.Sprintf("%s has no audienceGroupId", a), "compile the rule with its catalog (--catalog) first"}
	}
	return cachedSet(d, d.audiences, a.ID, func() (*memberSet, error) {
		return d.loadSet("audiences", strconv.FormatInt(a.ID, 10), a.String())
	})
}

// redelivery returns the members of redelivery r, loading its file when
// needed.
func (d *Dataset) redelivery(r *nctarget.Redelivery) (*memberSet, error) {
	return cachedSet(d, d.redeliveries, r.RequestID, func() (*memberSet, error) {
		return d.loadSet("redeliveries", r.RequestID, r.String())
	})
}

// cachedSet returns the set cache holds under key, or loads it, once
// however many goroutines ask for it at the same time (the others wait),
// without holding d.mu while loading, so that different files load in
// parallel. A failed load is not cached: the next request tries again.
func cachedSet[K comparable](d *Dataset, cache map[K]*memberSet, key K, load func() (*memberSet, error)) (*memberSet, error) {
	d.mu.Lock()
	for {
		if s, ok := cache[key]; ok {
			d.mu.Unlock()
			return s, nil
		}
		wait, busy := d.loading[key]
		if !busy {
			break
		}
		d.mu.Unlock()
		<-wait
		d.mu.Lock()
	}
	if d.loading == nil {
		d.loading = map[any]chan struct{}{}
	}
	done := make(chan struct{})
	d.loading[key] = done
	d.mu.Unlock()
	s, err := load()
	d.mu.Lock()
	if err == nil {
		cache[key] = s
	}
	delete(d.loading, key)
	d.mu.Unlock()
	close(done)
	return s, err
}

// loadSet loads dir/sub/name.txt (or .txt.gz); what is the atom, for
// messages.
func (d *Dataset) loadSet(sub, name, what string) (*memberSet, error) {
	if d.dir == "" {
		return nil, &ruleError{"the dataset has no " + what, "add it to the dataset"}
	}
	want := filepath.Join(d.dir, sub, name+".txt")
	if filepath.Base(name) != name || name == "" {
		return nil, &ruleError{fmt.Sprintf("no data for %s: %q is not a file name", what, name), ""}
	}
	path, err := dataFile(want)
	if err != nil {
		return nil, &ruleError{fmt.Sprintf("no data for %s: %s does not exist", what, want),
			"put its user IDs in that file, one per line (LINE's audience upload format), or .txt.gz"}
	}
	if d.opts.CacheDir != "" {
		if set, err := d.readSetIndex(path); err == nil {
			return set, nil
		}
	}
	return d.loadMembers(path)
}

// loadMembers reads a file of user IDs, one per line.
func (d *Dataset) loadMembers(path string) (*memberSet, error) {
	lr, err := openLines(path)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	m := &membersLoader{d: d, set: &memberSet{path: path}, bits: make(dense, (len(d.ids)+63)/64)}
	for len(m.errs) < maxErrors {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			m.errs = append(m.errs, err.(*nctarget.Diagnostic))
			break
		}
		id, ok := parseID(bytes.TrimSpace(line))
		if !ok {
			m.errs = append(m.errs, dataError(path, lr.line, 1, "one user ID per line: U followed by 32 lowercase hex digits", "bad user ID %q", line))
			continue
		}
		m.add(id)
	}
	m.flush()
	runtime.KeepAlive(d) // see unmapWhenUnreachable
	if err := m.errs.Err(); err != nil {
		return nil, err
	}
	m.set.bits = m.bits.bitmap()
	return m.set, nil
}

// membersLoader holds the state of reading one audience or redelivery
// file; IDs are looked up in batches (see idTable.findBatch).
type membersLoader struct {
	d     *Dataset
	set   *memberSet
	bits  dense
	errs  nctarget.ErrorList
	n     int
	keys  [batchSize]userID
	found [batchSize]int64
	sink  uint64 // see idTable.findBatch
}

// add queues an ID for lookup.
func (m *membersLoader) add(id userID) {
	m.keys[m.n] = id
	if m.n++; m.n == batchSize {
		m.flush()
	}
}

// flush looks up the queued IDs and records them.
func (m *membersLoader) flush() {
	m.sink += m.d.table.findBatch(m.d.ids, m.keys[:m.n], m.found[:m.n])
	for _, i := range m.found[:m.n] {
		m.set.lines++
		if i < 0 {
			m.set.nonFriends++
		} else {
			m.bits.set(uint32(i))
		}
	}
	m.n = 0
}
