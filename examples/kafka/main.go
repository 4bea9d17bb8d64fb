// Command kafka runs a consumer group of three flowrun workers over a Kafka
// topic, with nothing installed: it starts an in-process cluster (kfake),
// produces a stream of orders keyed by customer, and runs three
// "flowrun run" workers in one group, the first showing its progress, until
// every order has its result in the results topic. Run it from the
// repository root:
//
//	go run ./examples/kafka
//
// The same commands against a real cluster, one per terminal or machine:
//
//	flowrun run examples/kafka/orders.yaml \
//	    --in 'kafka://broker:9092/orders?group=orders' \
//	    --out kafka://broker:9092/results --dead-letters kafka://broker:9092/dead
//
// Kill one with kill -9: the others take its partitions and redo only what
// it had not committed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serviceflow/serviceflow/cli"
)

func main() {
	n := flag.Int("n", 20000, "orders to produce")
	flag.StringVar(&monitorAddr, "monitor", "", "serve the first worker to flowrun attach on this loopback address (127.0.0.1:7070)")
	flag.Parse()
	if err := run(context.Background(), *n, os.Stdout, os.Stderr); err != nil {
		log.Fatal(err)
	}
}

// monitorAddr, if set, is where the first worker serves its monitor.
var monitorAddr string

// run starts the cluster, produces n orders, runs three workers until all
// have results, and reports.
func run(ctx context.Context, n int, stdout, progress io.Writer) error {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, "orders", "results", "dead"))
	if err != nil {
		return err
	}
	defer c.Close()
	addr := c.ListenAddrs()[0]
	fmt.Fprintf(stdout, "kafka on %s: topics orders, results, dead (6 partitions each)\n", addr)

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("orders"))
	if err != nil {
		return err
	}
	defer cl.Close()
	for from := 0; from < n; from += 5000 {
		var recs []*kgo.Record
		for i := from; i < min(n, from+5000); i++ {
			customer := fmt.Sprintf("c%d", i%97)
			recs = append(recs, &kgo.Record{Key: []byte(customer),
				Value: fmt.Appendf(nil, `{"id":%d,"customer":%q,"price":%d.5,"qty":%d}`, i, customer, i%40, i%5)})
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "produced %d orders keyed by customer\n", n)

	url := func(topic string) string { return "kafka://" + addr + "/" + topic }
	workers, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for w := range 3 {
		args := []string{"run", "examples/kafka/orders.yaml",
			"--in", url("orders") + "?group=orders", "--out", url("results"), "--dead-letters", url("dead"),
			"--ui", "off"}
		errs := io.Discard
		if w == 0 {
			args = append(args, "--ui", "plain", "--refresh", "1s")
			if monitorAddr != "" {
				args = append(args, "--monitor", monitorAddr)
			}
			errs = progress
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[w] = cli.Execute(workers, args, strings.NewReader(""), io.Discard, errs, nil)
		}()
	}

	results, dups, err := await(ctx, addr, n)
	stop() // SIGTERM, in effect: each worker drains, commits and exits
	wg.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d orders, %d results (%d repeated), three workers exited %v\n", n, results, dups, codes)
	return nil
}

// await reads the results topic until each of the n orders has a result.
func await(ctx context.Context, addr string, n int) (results, dups int, err error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("results"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	seen := make(map[string]bool, n)
	for len(seen) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return results, dups, err
		}
		fs.EachRecord(func(r *kgo.Record) {
			results++
			id := idOf(r.Value)
			if seen[id] {
				dups++
			}
			seen[id] = true
		})
	}
	return results, dups, nil
}

// idOf returns the input id in a result line, without decoding it all.
func idOf(line []byte) string {
	s := string(line)
	i := strings.Index(s, `"values":{`)
	if i < 0 {
		return s
	}
	s = s[i:]
	if j := strings.Index(s, `"id":`); j >= 0 {
		s = s[j+5:]
		if k := strings.IndexAny(s, ",}"); k >= 0 {
			return s[:k]
		}
	}
	return s
}
