//go:build !unix

package nctarget

import (
	"testing"
	"time"
)

// processCPU is zero where getrusage does not exist.
func processCPU() time.Duration { return 0 }

// reportCPU reports nothing where getrusage does not exist.
func reportCPU(b *testing.B) func() { return func() {} }
