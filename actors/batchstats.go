package actors

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/serviceflow/serviceflow/snapshot"
)

// batchStats counts one batcher's batches: how many, how many inputs they
// carried and why each was sent, and the sizes of the recent ones for p99.
// record is called by the actor, once per batch; readers load at any time.
type batchStats struct {
	batches, inputs atomic.Uint64
	reasons         [numReasons]atomic.Uint64

	mu    sync.Mutex
	sizes []int32 // ring of the last len(sizes) batch sizes
	next  int
	full  bool
}

// recentBatches is how many batch sizes p99 looks at.
const recentBatches = 1024

func newBatchStats() *batchStats { return &batchStats{sizes: make([]int32, recentBatches)} }

func (s *batchStats) record(size int, why fillReason) {
	s.batches.Add(1)
	s.inputs.Add(uint64(size))
	s.reasons[why].Add(1)
	s.mu.Lock()
	s.sizes[s.next] = int32(size)
	s.next++
	if s.next == len(s.sizes) {
		s.next, s.full = 0, true
	}
	s.mu.Unlock()
}

// recent appends the recent batch sizes to dst.
func (s *batchStats) recent(dst []int32) []int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		return append(dst, s.sizes...)
	}
	return append(dst, s.sizes[:s.next]...)
}

// p99 is the nearest-rank 99th percentile of sizes (sorted in place); 0 for none.
func p99(sizes []int32) int {
	if len(sizes) == 0 {
		return 0
	}
	slices.Sort(sizes)
	rank := (99*len(sizes) + 99) / 100 // ceil(0.99 n)
	return int(sizes[rank-1])
}

// batchSnapshot sums the batchers of node i, nil when it is not batched.
// P99Size looks at the last 1024 batches of each instance.
func (rt *Runtime) batchSnapshot(i int) *snapshot.Batching {
	pool := rt.instances[i]
	if len(pool) == 0 || pool[0].batch == nil {
		return nil
	}
	pol := rt.prog.Nodes[i].Config.Batch
	b := &snapshot.Batching{MaxSize: pol.Size, MaxWait: pol.Wait}
	var sizes []int32
	for _, in := range pool {
		s := in.batch.stats
		b.Batches += s.batches.Load()
		b.Inputs += s.inputs.Load()
		b.Full += s.reasons[fillFull].Load()
		b.Wait += s.reasons[fillWait].Load()
		b.Idle += s.reasons[fillIdle].Load()
		sizes = s.recent(sizes)
	}
	b.P99Size = p99(sizes)
	return b
}
