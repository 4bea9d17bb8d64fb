package cli

import (
	"errors"
	"fmt"
	"strings"

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
	fl.byFile = map[string]string{}
	take := func(flag, field string, to *string, v string) {
		if !given(flag) && v != "" {
			*to, fl.byFile[flag] = v, field
		}
	}
	take("in", "in", &fl.in, s.In)
	take("out", "out", &fl.out, s.Out)
	take("dead-letters", "dead_letters", &fl.dead, s.DeadLetters)
	if !given("checkpoint") && s.Checkpoint != "" {
		if fl.byFile["in"] != "" {
			take("checkpoint", "checkpoint", &fl.checkpoint, s.Checkpoint)
		} else {
			note = fmt.Sprintf("run: --in given: the flow file's checkpoint: (%s) records a position in its in:, so it is not used", s.Checkpoint)
		}
	}
	take("out-format", "out_format", &fl.outFormat, s.OutFormat)
	return fl, note
}

// fromFile adds to err, an error opening the stream of one of flags, which
// flow-file fields gave those flags' values, if any did: the message
// names the flag, which the user may not have given.
func (fl runFlags) fromFile(err error, flags ...string) error {
	var fields []string
	for _, f := range flags {
		if field, ok := fl.byFile[f]; ok {
			fields = append(fields, field+":")
		}
	}
	if len(fields) == 0 {
		return err
	}
	note := " (from the flow file's " + strings.Join(fields, " and ") + ")"
	if ee := (*exitError)(nil); errors.As(err, &ee) && ee.err != nil {
		ee.err = fmt.Errorf("%w%s", ee.err, note) // Execute prints ee.err
		return err
	}
	return fmt.Errorf("%w%s", err, note)
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
