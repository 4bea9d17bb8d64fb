package flowfile

import "github.com/serviceflow/serviceflow/flow"

// An Option changes how Load builds a flow.
type Option func(*loader)

// ReplaceServices has Load pass the service of every service step through
// replace, with the step's stage name (its name:, else its service), and
// build the step with the service replace returns, keeping the step's
// settings (concurrency, timeout, by_key, batch). Steps are still checked
// as written first: an unknown service or a bad parameter is reported as
// without the option. flowrun test mocks steps with it.
func ReplaceServices(replace func(stage string, s flow.Service) flow.Service) Option {
	return func(l *loader) { l.replace = replace }
}
