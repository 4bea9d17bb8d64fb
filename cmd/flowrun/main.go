// Command flowrun runs flows of services over streams of JSON lines, every
// service an actor under supervision, watched live in a terminal UI.
//
//	go run ./cmd/flowrun demo
//	go run ./cmd/flowrun run orders.yaml --in orders.jsonl --dead-letters dead.jsonl
//
// See package cli for the subcommands and exit codes.
package main

import (
	"github.com/serviceflow/serviceflow/cli"
	"github.com/serviceflow/serviceflow/registry"
)

func main() { cli.Main(registry.Builtin()) }
