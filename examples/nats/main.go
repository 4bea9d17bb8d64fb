// Command nats runs three flowrun workers sharing one durable JetStream
// consumer, with nothing installed: it starts an embedded NATS server
// with JetStream (stored in a temporary directory), publishes a stream of
// orders, and runs three "flowrun run" workers on the same durable
// consumer, the first showing its progress, until every order has its
// result in the RESULTS stream. Run it from the repository root:
//
//	go run ./examples/nats
//
// The same commands against a real server, one per terminal or machine
// (the streams are the operator's; flowrun creates the durable consumer):
//
//	nats stream add ORDERS --subjects 'orders.>' --defaults
//	nats stream add RESULTS --subjects 'results.>' --defaults
//	flowrun run examples/kafka/orders.yaml \
//	    --in 'nats://server:4222/ORDERS?durable=orders' \
//	    --out 'nats://server:4222/RESULTS?subject=results.orders'
//
// Kill one with kill -9: its unacked messages are delivered to the others
// after the ack wait.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/serviceflow/serviceflow/cli"
)

func main() {
	n := flag.Int("n", 20000, "orders to publish")
	flag.StringVar(&monitorAddr, "monitor", "", "serve the first worker to flowrun attach on this loopback address (127.0.0.1:7070)")
	flag.Parse()
	if err := run(context.Background(), *n, os.Stdout, os.Stderr); err != nil {
		log.Fatal(err)
	}
}

// monitorAddr, if set, is where the first worker serves its monitor.
var monitorAddr string

// run starts the server, publishes n orders, runs three workers until all
// have results, and reports.
func run(ctx context.Context, n int, stdout, progress io.Writer) error {
	dir, err := os.MkdirTemp("", "flowrun-nats-example")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		return err
	}
	srv.Start()
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	if !srv.ReadyForConnections(10 * time.Second) {
		return fmt.Errorf("nats server did not start")
	}
	addr := srv.Addr().String()
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	for name, subj := range map[string]string{"ORDERS": "orders.>", "RESULTS": "results.>", "DEAD": "dead.>"} {
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subj}}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "nats on %s: streams ORDERS, RESULTS, DEAD\n", addr)
	for from := 0; from < n; from += 1000 {
		var fs []jetstream.PubAckFuture
		for i := from; i < min(n, from+1000); i++ {
			customer := fmt.Sprintf("c%d", i%97)
			f, err := js.PublishAsync("orders."+customer, fmt.Appendf(nil, `{"id":%d,"customer":%q,"price":%d.5,"qty":%d}`, i, customer, i%40, i%5))
			if err != nil {
				return err
			}
			fs = append(fs, f)
		}
		for _, f := range fs {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "published %d orders on orders.<customer>\n", n)

	url := "nats://" + addr
	workers, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for w := range 3 {
		args := []string{"run", "examples/kafka/orders.yaml",
			"--in", url + "/ORDERS?durable=orders", "--out", url + "/RESULTS?subject=results.orders",
			"--dead-letters", url + "/DEAD?subject=dead.orders", "--ui", "off"}
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

	results, dups, err := await(ctx, js, n)
	stop() // SIGTERM, in effect: each worker drains, acks and exits
	wg.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d orders, %d results (%d repeated), three workers exited %v\n", n, results, dups, codes)
	return nil
}

// await reads RESULTS until each of the n orders has a result.
func await(ctx context.Context, js jetstream.JetStream, n int) (results, dups int, err error) {
	cons, err := js.OrderedConsumer(ctx, "RESULTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, 0, err
	}
	it, err := cons.Messages()
	if err != nil {
		return 0, 0, err
	}
	defer it.Stop()
	seen := make(map[int]bool, n)
	for len(seen) < n {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return results, dups, err
		}
		var r struct{ Values struct{ ID int } }
		if err := json.Unmarshal(m.Data(), &r); err != nil {
			return results, dups, err
		}
		results++
		if seen[r.Values.ID] {
			dups++
		}
		seen[r.Values.ID] = true
	}
	return results, dups, nil
}
