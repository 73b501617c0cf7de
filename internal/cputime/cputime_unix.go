//go:build unix

// Package cputime reads the CPU time the process has used. Benchmarks
// report it beside wall time because on a shared machine wall time grows
// with the load of other processes and CPU time does not.
package cputime

import (
	"syscall"
	"time"
)

// Process returns the CPU time the process has used, user and system, in
// every thread (the garbage collector's included); 0 if it cannot be read.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
