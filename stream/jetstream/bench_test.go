package jetstream

import (
	"fmt"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// BenchmarkPumpStreamToStream measures stream → flow → stream on an
// embedded JetStream (file storage in a temporary directory): b.N
// messages through a durable consumer and one trivial service, published
// and acknowledged by the stream, each input message acked only then.
// Publishing the input is not timed.
//
//	go test ./stream/jetstream -run '^$' -bench Pump -benchtime 50000x -count 5
func BenchmarkPumpStreamToStream(b *testing.B) {
	cfg, js := natsServer(b)
	for from := 0; from < b.N; from += 1000 {
		var fs []jetstream.PubAckFuture
		for i := from; i < min(b.N, from+1000); i++ {
			f, err := js.PublishAsync(fmt.Sprintf("in.k%d", i%10), fmt.Appendf(nil, `{"n":%d}`, i))
			if err != nil {
				b.Fatal(err)
			}
			fs = append(fs, f)
		}
		for _, f := range fs {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	pump(b, cfg, double, b.N)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
}
