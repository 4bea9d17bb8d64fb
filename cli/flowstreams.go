package cli

import (
	"fmt"

	"github.com/serviceflow/serviceflow/flowfile"
	"github.com/serviceflow/serviceflow/stream/httpin"
	"github.com/serviceflow/serviceflow/stream/jetstream"
	"github.com/serviceflow/serviceflow/stream/kafka"
)

// withStreams fills the stream flags not given on the command line from
// the flow file's in:, out:, dead_letters:, checkpoint: and out_format:;
// a flag given wins. The file's checkpoint: records a position in the
// file's in:, so it is used only when the input comes from the file too:
// note then says it was not.
func (fl runFlags) withStreams(s flowfile.Streams) (_ runFlags, note string) {
	given := func(flag string) bool { return fl.changed != nil && fl.changed(flag) }
	fileIn := !given("in") && s.In != ""
	if fileIn {
		fl.in = s.In
	}
	if !given("out") && s.Out != "" {
		fl.out = s.Out
	}
	if !given("dead-letters") && s.DeadLetters != "" {
		fl.dead = s.DeadLetters
	}
	if !given("checkpoint") && s.Checkpoint != "" {
		if fileIn {
			fl.checkpoint = s.Checkpoint
		} else {
			note = fmt.Sprintf("run: --in given: the flow file's checkpoint: (%s) records a position in its in:, so it is not used", s.Checkpoint)
		}
	}
	if !given("out-format") && s.OutFormat != "" {
		fl.outFormat = s.OutFormat
	}
	return fl, note
}

// checkStream checks a URL a flow file names for a stream field as run
// would when it opens it (flowfile.CheckStreams), so validate reports it
// at its line.
func checkStream(field, url string) error {
	switch scheme(url) {
	case "kafka":
		cfg, err := kafka.ParseURL(url)
		if err == nil && field == "in" && cfg.Group == "" {
			err = fmt.Errorf("%w: a source needs ?group=NAME", kafka.ErrURL)
		}
		return err
	case "nats":
		cfg, err := jetstream.ParseURL(url)
		switch {
		case err != nil:
		case field == "in" && cfg.Durable == "":
			err = fmt.Errorf("%w: a source needs ?durable=NAME", jetstream.ErrURL)
		case field != "in" && cfg.Subject == "":
			err = fmt.Errorf("%w: a sink needs ?subject=SUBJ", jetstream.ErrURL)
		}
		return err
	case "http", "https":
		_, err := httpin.ParseURL(url)
		return err
	}
	return nil
}
