package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/pflag"
)

// profiles are the --cpuprofile and --memprofile flags every command takes:
// where to write this process's pprof profiles, "" for none.
type profiles struct {
	cpu, mem string
	cpuFile  *os.File // open while the CPU profile runs
}

func (p *profiles) addFlags(f *pflag.FlagSet) {
	f.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of this process to FILE (read it with go tool pprof)")
	f.StringVar(&p.mem, "memprofile", "", "write an allocation profile of this process to FILE when the command ends")
}

// start starts the CPU profile, if asked for. Only one CPU profile can run
// in a process: a second concurrent start is an error.
func (p *profiles) start() error {
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("--cpuprofile: %w", err)}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return &exitError{code: ExitUsage, err: fmt.Errorf("--cpuprofile: %w", err)}
	}
	p.cpuFile = f
	return nil
}

// stop stops the CPU profile and writes the allocation profile, if asked
// for; it is called once the command has ended, whatever its outcome.
func (p *profiles) stop() error {
	var errs []error
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			errs = append(errs, fmt.Errorf("--cpuprofile: %w", err))
		}
		p.cpuFile = nil
	}
	if p.mem != "" {
		runtime.GC() // the profile's in-use figures as of the last collection: make that now
		if err := writeProfile(p.mem, "allocs"); err != nil {
			errs = append(errs, fmt.Errorf("--memprofile: %w", err))
		}
	}
	return errors.Join(errs...)
}

func writeProfile(path, name string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
