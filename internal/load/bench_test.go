package load

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nctarget/nctarget/internal/bench"
	"github.com/nctarget/nctarget/internal/userid"
)

// The benchmarks run on bench.Data: by default a small generated dataset,
// so that "go test -bench . ./internal/load/" is quick; set
// NCTARGET_BENCH_DATA to measure at 10M friends (docs/eval.md,
// "Benchmarks"). Each runs its baseline in the same run and reports the
// ratio as a metric.

// TestMain removes the generated benchmark data.
func TestMain(m *testing.M) {
	code := m.Run()
	bench.RemoveData()
	os.Exit(code)
}

// BenchmarkLoadUsers loads users.csv against the baseline, a plain line
// scan of the same file through a 1 MB buffer: the floor of reading it.
// It also logs the load against a line scan as usually written
// ("scanner-defaults": bufio.NewScanner's defaults, which read 4 KB at a
// time, a system call each), since the issue's target ("≤ 3× a plain
// line scan") does not say which scan it means, and the process's peak
// RSS.
func BenchmarkLoadUsers(b *testing.B) {
	path := filepath.Join(bench.Data(b), "users.csv")
	var n int
	var usual time.Duration
	b.Run("scanner-defaults", func(b *testing.B) {
		for b.Loop() {
			if _, err := scanLines(path, 0); err != nil {
				b.Fatal(err)
			}
		}
		usual = b.Elapsed() / time.Duration(max(b.N, 1))
	})
	scan, load := bench.Compare(b, func(b *testing.B) {
		for b.Loop() {
			if _, err := scanLines(path, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			u, err := ReadUsers(path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			n = u.Len()
			u.Release()
		}
	})
	b.Logf("%d rows: load %s; plain line scan through 1 MB %s: %.2f× the scan; with bufio.Scanner's defaults %s: %.2f× the scan; peak RSS of the benchmark process %s",
		n, load.Round(time.Millisecond), scan.Round(time.Millisecond), float64(load)/float64(scan),
		usual.Round(time.Millisecond), float64(load)/float64(usual), peakRSS())
}

// scanLines counts the lines of a file with bufio.Scanner, reading
// through a buffer of bufSize bytes, or as bufio.NewScanner does by
// default when bufSize is 0. With 1 MB, it is the floor any loader must
// pay to read the file.
func scanLines(path string, bufSize int) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if bufSize > 0 {
		s.Buffer(make([]byte, bufSize), bufSize)
	}
	n := 0
	for s.Scan() {
		n++
	}
	return n, s.Err()
}

// peakRSS reads the process's peak resident set size (Linux), or "n/a".
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "n/a"
}

// BenchmarkLoadMembers loads every audience and redelivery file of the
// dataset (at 10M friends, 18M IDs in 8 files, most of what a first eval
// of many rules reads) against the baseline, a scan that reads the same
// files through a 1 MB buffer and parses every ID, without looking it
// up: what the load adds to that is the lookups in the ID table, which
// miss the cache at random unless batched (see userid.Table.LookupAll), and the
// bitsets.
func BenchmarkLoadMembers(b *testing.B) {
	dir := bench.Data(b)
	users, err := ReadUsers(filepath.Join(dir, "users.csv"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer users.Release()
	var paths []string
	for _, sub := range []string{"audiences", "redeliveries"} {
		found, err := filepath.Glob(filepath.Join(dir, sub, "*.txt"))
		if err != nil {
			b.Fatal(err)
		}
		paths = append(paths, found...)
	}
	var ids, lines uint64
	scan, load := bench.Compare(b, func(b *testing.B) {
		for b.Loop() {
			ids = 0
			for _, path := range paths {
				n, err := parseIDs(path)
				if err != nil {
					b.Fatal(err)
				}
				ids += n
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			lines = 0
			for _, path := range paths {
				set, err := ReadMembers(path, &users.Table, Options{})
				if err != nil {
					b.Fatal(err)
				}
				lines += set.Lines
			}
		}
	})
	if ids != lines {
		b.Fatalf("the scan parsed %d IDs, the load %d", ids, lines)
	}
	b.Logf("%d files, %d IDs: load %s, parse-every-ID scan %s: %.2f× the scan; peak RSS of the benchmark process %s",
		len(paths), lines, load.Round(time.Millisecond), scan.Round(time.Millisecond), float64(load)/float64(scan), peakRSS())
}

// parseIDs reads a file of user IDs, one a line, through a 1 MB buffer
// and parses each, returning how many there are: the floor of loading an
// audience file without the ID table.
func parseIDs(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	var n uint64
	for s.Scan() {
		if _, ok := userid.Parse(s.Bytes()); !ok {
			return 0, fmt.Errorf("%s: bad user ID %q", path, s.Bytes())
		}
		n++
	}
	return n, s.Err()
}
