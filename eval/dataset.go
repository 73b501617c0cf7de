// Package eval previews narrowcast rules on local data: it evaluates a
// compiled rule on an account's friends, audiences and redeliveries with
// the narrowcast semantics (docs/eval.md, "What is computed"), reporting
// the recipient count, a waterfall, per-clause counts and the warnings
// that predict a failed send.
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
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/load"
	"github.com/nctarget/nctarget/internal/userid"
)

// User is one friend, as in a row of users.csv. An unknown attribute is
// its zero value, as an empty cell is: "" or nil. So User{ID: id} is a
// friend of whom nothing else is known, and a known age is written
// Age: new(35).
type User struct {
	ID                 string // "U" followed by 32 lowercase hex digits
	Gender             string // male, female or ""
	Age                *int   // whole years, or nil
	AppType            string // ios, android, others (treated as unknown) or ""
	Area               string // an area code such as jp_13, or ""
	SubscriptionPeriod *int   // whole days a friend, or nil
}

// Dataset is an account's friends with their attributes, audiences and
// redeliveries, indexed for evaluation. It is safe for concurrent use,
// except Close.
//
// A dataset loaded from a large users.csv, or from the index cache, keeps
// its largest arrays in memory mapped outside the Go heap; Close releases
// it. A dataset that is never closed keeps that memory until the process
// exits.
type Dataset struct {
	users *load.Users      // the friends; nil once closed
	attrs [numAttrs]*index // per-attribute value sets, indexed by nctarget.Attr
	all   *roaring.Bitmap  // every friend: [0, Len())

	mu           sync.Mutex
	audiences    map[int64]*memberSet  // loaded audiences by audienceGroupId
	redeliveries map[string]*memberSet // loaded redeliveries by requestId
	loading      map[any]chan struct{} // audiences and redeliveries being loaded, closed when done (see cachedSet)
	releases     []func()              // free the index files member sets were mapped from
	dir          string                // data directory for lazy loading; "" for NewDataset
	cacheDir     string                // where index files are looked for; "" for none
	key          string                // users file's identity for the index cache (see indexcache.Key)
	indexed      bool                  // loaded from the index cache

	membersProgress *load.ProgressSum // reports on the audience and redelivery files read

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

// newMemberSet returns the set of loaded members.
func newMemberSet(m *load.Members) *memberSet {
	return &memberSet{bits: m.Bits, lines: m.Lines, nonFriends: m.NonFriends, path: m.Path}
}

// newDataset returns the dataset of loaded users.
func newDataset(u *load.Users) *Dataset {
	d := &Dataset{users: u, all: roaring.New(),
		audiences: map[int64]*memberSet{}, redeliveries: map[string]*memberSet{}}
	d.all.AddRange(0, uint64(u.Len()))
	for _, a := range nctarget.Attrs {
		d.attrs[a] = newIndex(a, u.Attrs[a])
	}
	d.Warnings = u.Warnings()
	return d
}

// NewDataset builds a dataset in memory, for tests and programs that hold
// their data elsewhere. users are numbered in slice order; audiences map
// audienceGroupIds and redeliveries map requestIds to member user IDs,
// which need not be friends (those who are not never count). Every ID must
// be "U" followed by 32 lowercase hex digits (see FormatID). Its memory is
// the Go heap's: Close is not needed.
func NewDataset(users []User, audiences map[int64][]string, redeliveries map[string][]string) (*Dataset, error) {
	u, dups, err := load.Build(len(users), func(i int) (string, *[load.NumAttrs]string) {
		return users[i].ID, users[i].cells()
	})
	if err != nil {
		return nil, err
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("users[%d]: duplicate user ID %s, first as users[%d]", dups[0].Second, users[dups[0].Second].ID, dups[0].First)
	}
	d := newDataset(u)
	for id, members := range audiences {
		set, err := d.memberSetOf(members)
		if err != nil {
			return nil, fmt.Errorf("audience %d: %w", id, err)
		}
		d.audiences[id] = set
	}
	for req, members := range redeliveries {
		set, err := d.memberSetOf(members)
		if err != nil {
			return nil, fmt.Errorf("redelivery %q: %w", req, err)
		}
		d.redeliveries[req] = set
	}
	return d, nil
}

// cells returns the user's attributes as users.csv cells.
func (u *User) cells() *[load.NumAttrs]string {
	return &[load.NumAttrs]string{
		nctarget.AttrGender: u.Gender, nctarget.AttrAppType: u.AppType, nctarget.AttrArea: u.Area,
		nctarget.AttrAge: intCell(u.Age), nctarget.AttrSubscriptionPeriod: intCell(u.SubscriptionPeriod),
	}
}

// intCell formats a number attribute as a users.csv cell: empty when
// unknown. A negative number is written as it is, for the loader to
// refuse.
func intCell(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// memberSetOf resolves member IDs to friends.
func (d *Dataset) memberSetOf(members []string) (*memberSet, error) {
	table := d.table()
	set := &memberSet{bits: roaring.New(), lines: uint64(len(members))}
	for _, m := range members {
		id, ok := userid.Parse([]byte(m))
		if !ok {
			return nil, fmt.Errorf("bad user ID %q: want U followed by 32 lowercase hex digits", m)
		}
		if i, ok := table.Lookup(id); ok {
			set.bits.Add(i)
		} else {
			set.nonFriends++
		}
	}
	return set, nil
}

// Close releases the memory the dataset holds outside the Go heap: its
// ID column and table, and the index files it mapped. The dataset, its
// plans and their results must not be used afterwards: every method that
// would read the dataset panics. Close must not be called while another
// goroutine uses the dataset; a second Close does nothing.
func (d *Dataset) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.users == nil {
		return
	}
	d.users.Release()
	for _, release := range d.releases {
		release()
	}
	d.users, d.releases, d.audiences, d.redeliveries = nil, nil, nil, nil
	d.attrs = [numAttrs]*index{}
}

// errClosed is the panic of a closed dataset's methods.
const errClosed = "eval: Dataset used after Close"

// table returns the friends' ID table, panicking when the dataset is
// closed: every read of the dataset's IDs and bitmaps goes through it or
// through checkOpen, so that a read after Close panics instead of reading
// memory no longer mapped.
func (d *Dataset) table() *userid.Table {
	d.checkOpen()
	return &d.users.Table
}

// checkOpen panics when the dataset is closed (see table).
func (d *Dataset) checkOpen() {
	if d.users == nil {
		panic(errClosed)
	}
}

// Len returns the number of friends.
func (d *Dataset) Len() int { return d.table().Len() }

// FromIndex reports whether users.csv was read from the index written by
// nctarget index rather than parsed, so a tool can say where its quick
// start came from.
func (d *Dataset) FromIndex() bool { return d.indexed }

// UserID returns the ID of user number i (0 ≤ i < Len()).
func (d *Dataset) UserID(i uint32) string { return d.table().ID(i).String() }

// Index returns the number of the friend with the given ID, and whether
// there is one.
func (d *Dataset) Index(id string) (uint32, bool) {
	table := d.table()
	uid, ok := userid.Parse([]byte(id))
	if !ok {
		return 0, false
	}
	return table.Lookup(uid)
}

// Friends returns the set of every friend. The caller must not modify it.
func (d *Dataset) Friends() *roaring.Bitmap {
	d.checkOpen()
	return d.all
}
