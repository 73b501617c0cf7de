// Package parallel runs independent tasks on every processor.
package parallel

import (
	"runtime"
	"sync"
)

// Run runs tasks on GOMAXPROCS goroutines, in order of starting, and
// returns when all are done.
func Run(tasks []func()) {
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(tasks) {
					return
				}
				tasks[k]()
			}
		})
	}
	wg.Wait()
}
