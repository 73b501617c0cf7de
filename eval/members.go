package eval

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/indexcache"
	"github.com/nctarget/nctarget/internal/load"
)

// This file loads a dataset's audience and redelivery files when a plan
// first names them, once each.

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
	path, err := load.DataFile(want)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ruleError{fmt.Sprintf("no data for %s: %s does not exist", what, want),
			"put its user IDs in that file, one per line (LINE's audience upload format), or .txt.gz"}
	}
	if err != nil {
		return nil, &ruleError{fmt.Sprintf("no data for %s: cannot read %s: %v", what, want, load.Cause(err)),
			"make the file and its directory readable (a symbolic link must lead to a file)"}
	}
	table := d.table()
	if d.cacheDir != "" {
		if set, release, err := indexcache.ReadMembers(d.cacheDir, d.key, path, table.Len()); err == nil {
			d.mu.Lock()
			d.releases = append(d.releases, release)
			d.mu.Unlock()
			return newMemberSet(set), nil
		}
	}
	set, err := load.ReadMembers(path, table, load.Options{Progress: d.membersProgress.File()})
	if err != nil {
		return nil, err
	}
	return newMemberSet(set), nil
}
