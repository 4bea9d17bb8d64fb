package cli

import "github.com/spf13/cobra"

func (e *env) runCmd() *cobra.Command      { return &cobra.Command{Use: "run"} }
func (e *env) validateCmd() *cobra.Command { return &cobra.Command{Use: "validate"} }
func (e *env) graphCmd() *cobra.Command    { return &cobra.Command{Use: "graph"} }
func (e *env) benchCmd() *cobra.Command    { return &cobra.Command{Use: "bench"} }
