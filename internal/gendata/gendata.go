// Package gendata writes synthetic datasets in the layout nctarget eval
// reads (nctarget gen-data): users.csv with realistic distributions, and
// audience and redelivery files, deterministic in their size and seed,
// for tests, benchmarks and demos.
package gendata

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nctarget/nctarget/internal/userid"
)

// Options configure Generate.
type Options struct {
	Users int    // number of friends
	Seed  uint64 // the same seed and size always give the same files
	Force bool   // write into a directory that is not empty
}

// memberFile describes one audience or redelivery file Generate writes.
type memberFile struct {
	Name    string  // audienceGroupId or requestId
	Density float64 // share of friends in it
	Cluster bool    // members come in runs of consecutive users
	Members int     // a fixed number of friends instead of a density
}

// audiences are the audiences Generate writes: four more of 10–50%
// density, one clustered, one with fewer than 50 friends, and the two of
// LINE's example rule (examples/line-full.nct), the first and the last.
// Each also lists about 1% as many users who are not friends.
var audiences = []memberFile{
	{Name: "5614991017776", Density: 0.30},
	{Name: "1000000000010", Density: 0.10},
	{Name: "1000000000020", Density: 0.20, Cluster: true},
	{Name: "1000000000040", Density: 0.40},
	{Name: "1000000000050", Density: 0.50},
	{Name: "1000000000999", Members: 30},
	{Name: "4389303728991", Density: 0.20},
}

// redeliveries are the redeliveries Generate writes; the first is the
// one of LINE's example rule.
var redeliveries = []memberFile{
	{Name: "5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4", Density: 0.15},
	{Name: "0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f", Density: 0.05, Cluster: true},
}

// Generate writes a synthetic dataset into dir in the layout eval.Load
// reads: users.csv with realistic attribute distributions and about 20%
// of each attribute unknown (some appType "others"), plus seven audience
// and two redelivery files (docs/eval.md lists them). It is deterministic
// in opts.Users and opts.Seed. It refuses a directory that is not empty
// unless opts.Force.
func Generate(dir string, opts Options) error {
	if err := prepareDir(dir, opts.Force); err != nil {
		return err
	}
	g := &generator{r: rand.New(rand.NewPCG(opts.Seed, 0x6e637461726765)), ids: make([]userid.ID, opts.Users)}
	for i := range g.ids {
		g.ids[i] = g.randID()
	}
	if err := writeLines(filepath.Join(dir, "users.csv"), g.users); err != nil {
		return err
	}
	for _, sub := range []string{"audiences", "redeliveries"} { // in order: they share the random source
		sets := audiences
		if sub == "redeliveries" {
			sets = redeliveries
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
		for _, a := range sets {
			members := g.members(a)
			err := writeLines(filepath.Join(dir, sub, a.Name+".txt"), func(w *bufio.Writer) error {
				for _, id := range members {
					writeID(w, id)
					w.WriteByte('\n')
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// prepareDir creates dir, or checks that it is empty.
func prepareDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%s is not empty: choose an empty directory, or pass --force to overwrite its dataset files", dir)
	}
	return nil
}

// writeLines creates path and fills it through a buffered writer.
func writeLines(path string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// generator holds the random source and the friends' IDs.
type generator struct {
	r   *rand.Rand
	ids []userid.ID
}

// randID returns a random user ID.
func (g *generator) randID() userid.ID {
	var id userid.ID
	for i := 0; i < 16; i += 8 {
		v := g.r.Uint64()
		for j := range 8 {
			id[i+j] = byte(v >> (8 * j))
		}
	}
	return id
}

// writeID writes an ID as text.
func writeID(w *bufio.Writer, id userid.ID) {
	var b [userid.TextLen]byte
	w.Write(id.Append(b[:0]))
}

// users writes users.csv.
func (g *generator) users(w *bufio.Writer) error {
	w.WriteString("userId,gender,age,appType,area,subscriptionPeriod\n")
	var buf []byte
	for _, id := range g.ids {
		writeID(w, id)
		buf = append(buf[:0], ',')
		buf = append(buf, g.gender()...)
		buf = append(buf, ',')
		buf = g.appendNum(buf, g.age)
		buf = append(buf, ',')
		buf = append(buf, g.appType()...)
		buf = append(buf, ',')
		buf = append(buf, g.area()...)
		buf = append(buf, ',')
		buf = g.appendNum(buf, g.days)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	return nil
}

// unknownShare is the share of each attribute left unknown.
const unknownShare = 0.2

// gender: 55% of known friends are female.
func (g *generator) gender() string {
	switch f := g.r.Float64(); {
	case f < unknownShare:
		return ""
	case f < unknownShare+(1-unknownShare)*0.55:
		return "female"
	}
	return "male"
}

// appType: iOS leads in Japan; 3% report "others", which counts as unknown.
func (g *generator) appType() string {
	switch f := g.r.Float64(); {
	case f < 0.17:
		return ""
	case f < 0.20:
		return "others"
	case f < 0.68:
		return "ios"
	}
	return "android"
}

// appendNum appends a number drawn from draw, or nothing (unknown).
func (g *generator) appendNum(buf []byte, draw func() int) []byte {
	if g.r.Float64() < unknownShare {
		return buf
	}
	return strconv.AppendInt(buf, int64(draw()), 10)
}

// age is centred on 38 with a long tail, 12 to 90.
func (g *generator) age() int {
	return int(max(12, min(90, 38+13*g.r.NormFloat64())))
}

// days a friend: exponential with a mean of 400 days.
func (g *generator) days() int {
	return int(min(20000, g.r.ExpFloat64()*400))
}

// bigAreas weights the most populous prefectures; the rest of Japan, then
// Taiwan, Thailand and Indonesia share what is left.
var bigAreas = []struct {
	code   string
	weight float64
}{{"jp_13", 0.11}, {"jp_14", 0.07}, {"jp_27", 0.07}, {"jp_23", 0.06}, {"jp_11", 0.06}, {"jp_12", 0.05},
	{"jp_28", 0.04}, {"jp_01", 0.04}, {"jp_40", 0.04}, {"jp_05", 0.01}}

// area draws an area code, or "" (unknown).
func (g *generator) area() string {
	f := g.r.Float64()
	if f < unknownShare {
		return ""
	}
	f = (f - unknownShare) / (1 - unknownShare)
	for _, a := range bigAreas {
		if f < a.weight {
			return a.code
		}
		f -= a.weight
	}
	switch {
	case f < 0.30: // the rest of Japan
		return fmt.Sprintf("jp_%02d", 2+g.r.IntN(46))
	case f < 0.37:
		return fmt.Sprintf("tw_%02d", 1+g.r.IntN(22))
	case f < 0.41:
		return fmt.Sprintf("th_%02d", 1+g.r.IntN(8))
	}
	return fmt.Sprintf("id_%02d", 1+g.r.IntN(12))
}

// members draws the members of an audience, friends and about 1% as many
// others, in random order as an exported audience would be.
func (g *generator) members(a memberFile) []userid.ID {
	var out []userid.ID
	switch {
	case a.Members > 0:
		seen := map[int]bool{}
		for len(seen) < min(a.Members, len(g.ids)) {
			if i := g.r.IntN(len(g.ids)); !seen[i] {
				seen[i] = true
				out = append(out, g.ids[i])
			}
		}
	case a.Cluster:
		run := max(10, min(1000, len(g.ids)/2000)) // friends who joined together, such as in one campaign
		for start := 0; start < len(g.ids); start += run {
			if g.r.Float64() < a.Density {
				out = append(out, g.ids[start:min(start+run, len(g.ids))]...)
			}
		}
	default:
		for _, id := range g.ids {
			if g.r.Float64() < a.Density {
				out = append(out, id)
			}
		}
	}
	for range int(math.Ceil(float64(len(out)) / 100)) {
		out = append(out, g.randID())
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
