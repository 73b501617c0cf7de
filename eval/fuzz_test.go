package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nctarget/nctarget"
)

// FuzzLoad feeds arbitrary users.csv and audience files to Load and Plan:
// any input must give either an error with positions or a dataset that
// evaluates, never a panic. "go test" runs the seeds; "go test -fuzz
// FuzzLoad ./eval/" explores.
func FuzzLoad(f *testing.F) {
	f.Add(header+id1+",male,20,ios,jp_13,7\n"+id2+",,,others,,\n", id1+"\n"+id2+"\n")
	f.Add("\ufeff"+header+"\r\n"+id1+",female,150,android,id_12,36500\r\n", "\n\n")
	f.Add("area,userId,age,gender,appType,subscriptionPeriod\n,"+id1+",,,,\n", "U")
	f.Add(header+id1+",male,20,ios,jp_13,7\n"+id1+",male,20,ios,jp_13,7\n", "")
	f.Add(header+id1+",,,,,,\n\x00\xff", id1+"\r\n"+FormatID(99))
	f.Add("", "")
	f.Fuzz(func(t *testing.T, users, audience string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "users.csv"), []byte(users), 0o644)
		os.MkdirAll(filepath.Join(dir, "audiences"), 0o755)
		os.WriteFile(filepath.Join(dir, "audiences", "7.txt"), []byte(audience), 0o644)
		d, err := Load(dir, LoadOptions{})
		if err != nil {
			for _, diag := range nctarget.Diagnostics(err) {
				if !diag.Pos.IsValid() {
					t.Fatalf("error without a position: %v", diag)
				}
			}
			return
		}
		req, err := nctarget.Compile("f.nct", []byte("audience(7) or not audience(7) where not gender in (male) and age[20,) limit 3"), nctarget.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.Plan(req.Rule)
		if err != nil {
			if len(nctarget.Diagnostics(err)) == 0 {
				t.Fatalf("plan error without diagnostics: %v", err)
			}
			return
		}
		r := p.Eval()
		if r.Waterfall.Friends != uint64(d.Len()) || r.Count > 3 {
			t.Fatalf("friends %d (want %d), count %d (limit 3)", r.Waterfall.Friends, d.Len(), r.Count)
		}
		for _, i := range r.Sample(5) {
			if _, ok := d.Index(d.UserID(i)); !ok {
				t.Fatalf("sample user %d not found by its ID", i)
			}
		}
	})
}
