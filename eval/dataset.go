// Package eval previews narrowcast rules on local data: it loads an
// account's friends, audiences and redeliveries (SPEC section 5), and
// evaluates a compiled rule with the narrowcast semantics (SPEC section 3),
// reporting the recipient count, a waterfall, per-clause counts and the
// warnings that predict a failed send.
//
// Loading and evaluating are separate steps, in the planner/interpretable
// split of cel-go: Load (or NewDataset) builds roaring bitmaps once,
// Dataset.Plan resolves a rule's atoms to those bitmaps, and Plan.Eval
// combines them, as many times as wanted.
//
// Users are numbered densely in the order they appear in users.csv; every
// set of users is a roaring bitmap of those numbers.
package eval

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
)

// User is one friend, as in a row of users.csv. Unknown attributes are ""
// (Gender, AppType, Area) or -1 (Age, SubscriptionPeriod).
type User struct {
	ID                 string // "U" followed by 32 lowercase hex digits
	Gender             string // male, female or ""
	Age                int    // whole years, or -1
	AppType            string // ios, android, others (treated as unknown) or ""
	Area               string // an area code such as jp_13, or ""
	SubscriptionPeriod int    // whole days a friend, or -1
}

// Dataset is an account's friends with their attributes, audiences and
// redeliveries, indexed for evaluation. It is safe for concurrent use.
type Dataset struct {
	ids   []userID         // user number → ID, in users.csv order
	table idTable          // ID → user number
	attrs [numAttrs]*index // per-attribute value sets, indexed by nctarget.Attr
	all   *roaring.Bitmap  // every friend: [0, len(ids))

	mu           sync.Mutex
	audiences    map[int64]*memberSet  // loaded audiences by audienceGroupId
	redeliveries map[string]*memberSet // loaded redeliveries by requestId
	loading      map[any]chan struct{} // audiences and redeliveries being loaded, closed when done (see cachedSet)
	dir          string                // data directory for lazy loading; "" for NewDataset
	opts         LoadOptions
	key          string // users file's identity for the index cache (see fileKey)
	others       uint64 // users whose appType is "others"
	othersLine   int    // line of the first of them
	indexed      bool   // loaded from the index cache

	// Warnings are problems with the data that do not stop evaluation,
	// such as appType "others" (treated as unknown).
	Warnings []*nctarget.Diagnostic
}

// memberSet is a loaded audience or redelivery: its members who are
// friends, and how many listed users are not.
type memberSet struct {
	bits       *roaring.Bitmap // members who are friends
	lines      uint64          // user IDs listed (duplicates included)
	nonFriends uint64          // listed IDs that are not friends
	path       string          // the file it came from; "" for NewDataset
}

// NewDataset builds a dataset in memory, for tests and programs that hold
// their data elsewhere. users are numbered in slice order; audiences map
// audienceGroupIds and redeliveries map requestIds to member user IDs,
// which need not be friends (those who are not never count). Every ID must
// be "U" followed by 32 lowercase hex digits (see FormatID).
func NewDataset(users []User, audiences map[int64][]string, redeliveries map[string][]string) (*Dataset, error) {
	b := newBuilder(len(users))
	for i, u := range users {
		if err := b.addUser(u); err != nil {
			return nil, fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	d, dups := b.finish()
	if len(dups) > 0 {
		return nil, fmt.Errorf("users[%d]: duplicate user ID %s, first as users[%d]", dups[0].second, users[dups[0].second].ID, dups[0].first)
	}
	d.audiences = make(map[int64]*memberSet, len(audiences))
	for id, members := range audiences {
		set, err := d.memberSetOf(members)
		if err != nil {
			return nil, fmt.Errorf("audience %d: %w", id, err)
		}
		d.audiences[id] = set
	}
	d.redeliveries = make(map[string]*memberSet, len(redeliveries))
	for req, members := range redeliveries {
		set, err := d.memberSetOf(members)
		if err != nil {
			return nil, fmt.Errorf("redelivery %q: %w", req, err)
		}
		d.redeliveries[req] = set
	}
	return d, nil
}

// memberSetOf resolves member IDs to friends.
func (d *Dataset) memberSetOf(members []string) (*memberSet, error) {
	set := &memberSet{bits: roaring.New(), lines: uint64(len(members))}
	for _, m := range members {
		id, ok := parseID([]byte(m))
		if !ok {
			return nil, fmt.Errorf("bad user ID %q: want U followed by 32 lowercase hex digits", m)
		}
		if i, ok := d.table.find(d.ids, id); ok {
			set.bits.Add(i)
		} else {
			set.nonFriends++
		}
	}
	runtime.KeepAlive(d) // see unmapWhenUnreachable
	return set, nil
}

// noUnmap unmaps memory that is not mapped: nothing (see mapped).
func noUnmap() {}

// unmapWhenUnreachable runs unmaps, which unmap the memory of the
// dataset's ID column and table (see mapped), once the dataset is
// unreachable. A slice of mapped memory does not keep the dataset
// reachable, so every method that reads ids or table.slots keeps d alive
// until its last read with runtime.KeepAlive.
func (d *Dataset) unmapWhenUnreachable(unmaps ...func()) {
	runtime.AddCleanup(d, func(unmaps []func()) {
		for _, f := range unmaps {
			f()
		}
	}, unmaps)
}

// Len returns the number of friends.
func (d *Dataset) Len() int { return len(d.ids) }

// UserID returns the ID of user number i (0 ≤ i < Len()).
func (d *Dataset) UserID(i uint32) string {
	id := d.ids[i].String()
	runtime.KeepAlive(d) // see unmapWhenUnreachable
	return id
}

// Index returns the number of the friend with the given ID, and whether
// there is one.
func (d *Dataset) Index(id string) (uint32, bool) {
	uid, ok := parseID([]byte(id))
	if !ok {
		return 0, false
	}
	i, ok := d.table.find(d.ids, uid)
	runtime.KeepAlive(d) // see unmapWhenUnreachable
	return i, ok
}

// Friends returns the set of every friend. The caller must not modify it.
func (d *Dataset) Friends() *roaring.Bitmap { return d.all }
