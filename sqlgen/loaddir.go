package sqlgen

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/internal/load"
)

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
// The data is read first with eval's loader (internal/load), so that a
// malformed line is the error eval reports, file:line:col, what and what
// to do, as an nctarget.ErrorList, and nothing is written; the warnings
// are eval's data warnings. Only then is the script written, copying the
// files' cells.
func WriteLoadScript(w io.Writer, dir string, l Layout) (warnings []*nctarget.Diagnostic, err error) {
	ld, err := NewLoader(w, l)
	if err != nil {
		return nil, err
	}
	if warnings, err = checkData(dir); err != nil {
		return nil, err
	}
	return warnings, writeLoadScript(ld, dir, l)
}

// checkData reads the data directory as eval does, users.csv and then
// every member file loadMembers copies, whose audience files must be
// named by audienceGroupId, returning eval's data warnings or
// the loader's errors. It keeps nothing it reads.
func checkData(dir string) ([]*nctarget.Diagnostic, error) {
	path, err := load.UsersFile(dir)
	if err != nil {
		return nil, err
	}
	users, err := load.ReadUsers(path, load.Options{})
	if err != nil {
		return nil, err
	}
	defer users.Release()
	for _, sub := range []string{"audiences", "redeliveries"} {
		paths, err := load.MemberFiles(filepath.Join(dir, sub))
		if err != nil {
			return nil, err
		}
		for _, path := range paths {
			if _, err := strconv.ParseInt(load.MemberKey(path), 10, 64); sub == "audiences" && err != nil {
				return nil, fmt.Errorf("%s: the file name is not an audienceGroupId: name it <audienceGroupId>.txt, or move it out of audiences", path)
			}
			if _, err := load.ReadMembers(path, &users.Table, load.Options{}); err != nil {
				return nil, err
			}
		}
	}
	return users.Warnings(), nil
}

// writeLoadScript writes the script of WriteLoadScript for data checkData
// has read.
func writeLoadScript(ld *Loader, dir string, l Layout) error {
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
		if err := loadMembers(ld, m.table, filepath.Join(dir, m.sub)); err != nil {
			return err
		}
	}
	return ld.Statement(indexes + "COMMIT;\n")
}

// openData opens a data file, gunzipping a .gz one.
func openData(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
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

// loadUsers copies users.csv (or users.csv.gz), read as eval reads it:
// by its header, which may order the columns as it likes, skipping blank
// lines, each cell as the file has it.
func loadUsers(ld *Loader, dir string) error {
	path, err := load.UsersFile(dir)
	if err != nil {
		return err
	}
	ld.Begin("users")
	row := make([]string, 0, load.NumAttrs)
	err = load.EachUser(path, func(id string, cells *[load.NumAttrs]string) error {
		row = append(row[:0], id)
		for _, a := range nctarget.Attrs { // in the order of columnTypes
			row = append(row, cells[a])
		}
		return ld.Row(row...)
	})
	if err != nil {
		return err
	}
	return ld.End()
}

// loadMembers copies every member file of dir that eval reads into
// table, keyed by the file's name (see load.MemberFiles).
func loadMembers(ld *Loader, table, dir string) error {
	paths, err := load.MemberFiles(dir)
	if err != nil {
		return err
	}
	ld.Begin(table)
	for _, path := range paths {
		if err := loadMemberFile(ld, path, load.MemberKey(path)); err != nil {
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
