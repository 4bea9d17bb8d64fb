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

// CheckStreams has Load check each URL a stream field names (in:, out:,
// dead_letters:) with check, given the field's name and its value, and
// report the error check returns at the value's position. Load itself
// checks only the URL's form and scheme; the connectors know their query
// parameters. flowrun passes the parsers it opens the URLs with.
func CheckStreams(check func(field, url string) error) Option {
	return func(l *loader) { l.checkStream = check }
}
