package file

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkpoint is the file a Source's progress is recorded in: the highest
// contiguous input line whose result is durable.
type checkpoint struct {
	path string
	line int64 // last line saved
}

type checkpointFile struct {
	Line int64 `json:"line"`
}

// loadCheckpoint reads path; a missing file is line 0 (start from the
// beginning).
func loadCheckpoint(path string) (*checkpoint, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &checkpoint{path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file: checkpoint: %w", err)
	}
	var c checkpointFile
	if err := json.Unmarshal(b, &c); err != nil || c.Line < 0 {
		return nil, fmt.Errorf("file: checkpoint %s: not a checkpoint (%q)", path, preview(b))
	}
	return &checkpoint{path: path, line: c.Line}, nil
}

// save records line atomically: a crash leaves the old checkpoint or the
// new one, never a torn one.
func (c *checkpoint) save(line int64) error {
	if line == c.line {
		return nil
	}
	b, _ := json.Marshal(checkpointFile{Line: line})
	b = append(b, '\n')
	dir := filepath.Dir(c.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(c.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("file: checkpoint: %w", err)
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("file: checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("file: checkpoint: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename itself durable, where the file system allows
		d.Close()
	}
	c.line = line
	return nil
}

func preview(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
