package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/serviceflow/serviceflow/snapshot"
	"github.com/serviceflow/serviceflow/tui"
)

func (e *env) replayCmd() *cobra.Command {
	var (
		speed   float64
		refresh time.Duration
	)
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Play back a recording made with --record in the monitor",
		Long: `replay shows a recording made by "flowrun run|demo|attach --record FILE"
in the same terminal UI as the live flow: every view (graph, services,
events, dead letters, supervision) shows the moment played. space plays and
pauses, [ and ] step one snapshot, { and } jump a minute, + and - double and
halve the speed; q quits.

A recording is JSON lines, one snapshot each, in the versioned schema of
"--ui json" (schema 1). replay reads it whole into memory.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if speed <= 0 {
				return usageError("replay: --speed must be positive")
			}
			if err := checkRefresh(refresh); err != nil {
				return err
			}
			snaps, err := readRecording(args[0])
			if err != nil {
				return err
			}
			err = tui.Replay(cmd.Context(), snaps, tui.Options{Refresh: refresh, Speed: speed, Out: e.stdout, In: e.stdin})
			if errors.Is(err, tui.ErrNotTerminal) {
				return usageError("replay: the output is not a terminal")
			}
			return err
		},
	}
	cmd.Flags().Float64Var(&speed, "speed", 1, "playback speed: 1 is real time, 10 ten times faster")
	addRefresh(cmd.Flags(), &refresh)
	return cmd
}

// readRecording reads the snapshots of a recording, oldest first.
func readRecording(path string) ([]snapshot.Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError("replay: %v", err)
	}
	defer f.Close()
	dec := snapshot.NewDecoder(f)
	var snaps []snapshot.Snapshot
	for {
		s, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageError("replay: %s: snapshot %d: %v", path, len(snaps)+1, err)
		}
		snaps = append(snaps, s)
	}
	if len(snaps) == 0 {
		return nil, usageError("replay: %s holds no snapshot", path)
	}
	return snaps, nil
}

// addRecord adds --record FILE: write every snapshot the monitor takes to
// FILE, for flowrun replay.
func addRecord(f *pflag.FlagSet, path *string) {
	f.StringVar(path, "record", "", "write the monitor's snapshots to this `FILE` as JSON lines, for \"flowrun replay FILE\"")
}

// createRecord creates --record's file; "" records nothing.
func createRecord(path string) (io.Writer, func() error, error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, usageError("--record: %v", err)
	}
	return f, func() error {
		if err := f.Close(); err != nil {
			return fmt.Errorf("--record: %w", err)
		}
		return nil
	}, nil
}
