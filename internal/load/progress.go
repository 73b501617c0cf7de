package load

import "sync"

// ProgressSum reports the progress of reading several files, one after
// the other or at once, as one: the bytes read of all the files begun so
// far, out of their total size. Audience and redelivery files are read
// this way, by nctarget index one after the other and by eval as plans
// first name them, several at once: a progress bar per file would flit
// between them.
type ProgressSum struct {
	mu          sync.Mutex
	report      func(done, total int64)
	done, total int64
}

// NewProgressSum returns a ProgressSum reporting to report, or nil when
// report is nil (no reports).
func NewProgressSum(report func(done, total int64)) *ProgressSum {
	if report == nil {
		return nil
	}
	return &ProgressSum{report: report}
}

// File returns the progress function (see Options.Progress) of one more
// file, nil for a nil ProgressSum. Its file's size is added to the total
// when it first reports.
func (s *ProgressSum) File() func(done, total int64) {
	if s == nil {
		return nil
	}
	var lastDone, lastTotal int64
	return func(done, total int64) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.done += done - lastDone
		s.total += total - lastTotal
		lastDone, lastTotal = done, total
		s.report(s.done, s.total)
	}
}
