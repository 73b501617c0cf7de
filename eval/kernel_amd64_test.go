//go:build amd64

package eval

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestFallbackKernels runs the kernel and differential tests again in a
// child process with GODEBUG turning kernels off: AVX-512, so that the
// pass chooses AVX2, and both, so that it works a word at a time. The
// fallbacks of a processor without the features are then held to the
// reference on this machine too, not only where the assembly cannot run.
// The child's TestKernels logs each kernel it finds the processor
// lacking, which shows that GODEBUG took effect.
func TestFallbackKernels(t *testing.T) {
	for _, tc := range []struct {
		name, godebug string
		off           []string // the kernels GODEBUG turns off
	}{
		{"AVX2", "cpu.avx512f=off", []string{"AVX-512"}},
		{"word loops", "cpu.avx512f=off,cpu.avx2=off", []string{"AVX-512", "AVX2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^(TestKernels|TestDifferential|TestSemantics)$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "GODEBUG="+tc.godebug)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the tests with GODEBUG=%s: %v\n%s", tc.godebug, err, out)
			}
			for _, k := range tc.off {
				if line := "the processor does not run the " + k + " kernel"; !strings.Contains(string(out), line) {
					t.Fatalf("the child ran with the %s kernel: GODEBUG=%s did not turn it off (no %q in its output):\n%s", k, tc.godebug, line, out)
				}
			}
		})
	}
}
