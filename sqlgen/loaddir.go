package sqlgen

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// usersHeader is the header of users.csv (SPEC section 5).
const usersHeader = "userId,gender,age,appType,area,subscriptionPeriod"

// bom is the UTF-8 byte order mark a data file may start with, which
// eval's loader skips.
const bom = "\ufeff"

// WriteLoadScript writes a psql script that creates the layout's tables in
// PostgreSQL and loads a data directory laid out as SPEC section 5 says
// (users.csv, audiences/<audienceGroupId>.txt,
// redeliveries/<requestId>.txt, each possibly gzipped), then indexes them:
//
//	nctarget sql --load examples/data | psql mydb
//
// A malformed file is reported with its path and line.
func WriteLoadScript(w io.Writer, dir string, l Layout) error {
	ld, err := NewLoader(w, l)
	if err != nil {
		return err
	}
	schema, err := Schema(Postgres, l)
	if err != nil {
		return err
	}
	indexes, err := CreateIndexes(Postgres, l)
	if err != nil {
		return err
	}
	if err := ld.Statement("BEGIN;\n" + schema); err != nil {
		return err
	}
	if err := loadUsers(ld, dir); err != nil {
		return err
	}
	for _, m := range []struct{ table, sub string }{{"audience_members", "audiences"}, {"redelivery_members", "redeliveries"}} {
		if err := loadMembers(ld, m.table, filepath.Join(dir, m.sub), m.table == "audience_members"); err != nil {
			return err
		}
	}
	return ld.Statement(indexes + "COMMIT;\n")
}

// openData opens a data file, gunzipping a .gz one.
func openData(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && !strings.HasSuffix(path, ".gz") {
		if g, gzErr := os.Open(path + ".gz"); gzErr == nil {
			f, err, path = g, nil, path+".gz"
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, f.Close, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not gzip data: %v", path, err)
	}
	return z, f.Close, nil
}

// loadUsers copies users.csv.
func loadUsers(ld *Loader, dir string) error {
	path := filepath.Join(dir, "users.csv")
	r, closeFile, err := openData(path)
	if err != nil {
		return err
	}
	defer closeFile()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 6
	ld.Begin("users")
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %v (want %s)", path, err, usersHeader)
		}
		if line == 1 {
			rec[0] = strings.TrimPrefix(rec[0], bom) // as eval's loader takes it
			if strings.Join(rec, ",") != usersHeader {
				return fmt.Errorf("%s:1: header is %q, want %s", path, strings.Join(rec, ","), usersHeader)
			}
			continue
		}
		if !isUserID(rec[0]) {
			return fmt.Errorf("%s:%d: user ID %q is not U followed by 32 lowercase hex digits", path, line, rec[0])
		}
		if err := ld.Row(rec...); err != nil {
			return fmt.Errorf("%s:%d: %v", path, line, err)
		}
	}
	return ld.End()
}

// loadMembers copies every member file of dir into table, keyed by the
// file's name (numeric audienceGroupIds when numeric is set).
func loadMembers(ld *Loader, table, dir string, numeric bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".txt.gz") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	ld.Begin(table)
	for _, n := range names {
		key := strings.TrimSuffix(strings.TrimSuffix(n, ".gz"), ".txt")
		if _, err := strconv.ParseInt(key, 10, 64); numeric && err != nil {
			return fmt.Errorf("%s: the file name is not an audienceGroupId", filepath.Join(dir, n))
		}
		if err := loadMemberFile(ld, filepath.Join(dir, n), key); err != nil {
			return err
		}
	}
	return ld.End()
}

// loadMemberFile copies one member file: one user ID a line.
func loadMemberFile(ld *Loader, path, key string) error {
	r, closeFile, err := openData(path)
	if err != nil {
		return err
	}
	defer closeFile()
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if i == 0 {
			line = strings.TrimPrefix(line, bom)
		}
		line = strings.TrimSpace(line) // as eval's loader reads the line, \r and all
		if line == "" {
			continue
		}
		if !isUserID(line) {
			return fmt.Errorf("%s:%d: user ID %q is not U followed by 32 lowercase hex digits", path, i+1, line)
		}
		if err := ld.Row(key, line); err != nil {
			return err
		}
	}
	return nil
}

// isUserID reports whether s is U followed by 32 lowercase hex digits.
func isUserID(s string) bool {
	if len(s) != 33 || s[0] != 'U' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
