//go:build amd64

package eval

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWordLoops runs the kernel and differential tests again in a child
// process with GODEBUG turning AVX-512 and AVX2 off, so that the word
// loops every processor without them runs are held to the reference on
// this machine too, not only where the assembly cannot run. The child's
// TestKernels logs each kernel it finds the processor lacking; both
// lines show that GODEBUG took effect.
func TestWordLoops(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^(TestKernels|TestDifferential|TestSemantics)$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=cpu.avx512f=off,cpu.avx2=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tests without the wide kernels: %v\n%s", err, out)
	}
	for _, k := range wideKernels {
		if line := "the processor does not run the " + k.name + " kernel"; !strings.Contains(string(out), line) {
			t.Fatalf("the child ran with the %s kernel: GODEBUG did not turn it off (no %q in its output):\n%s", k.name, line, out)
		}
	}
}
