//go:build !unix

// Package cputime reads the CPU time the process has used. Benchmarks
// report it beside wall time because on a shared machine wall time grows
// with the load of other processes and CPU time does not.
package cputime

import "time"

// Process returns 0: there is no getrusage on this system.
func Process() time.Duration { return 0 }
