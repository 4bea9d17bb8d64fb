package engine

import "sync/atomic"

// compiler is package flow's compiler, which it registers in its init (the
// grpc "internal" pattern): package actors reaches a *flow.Flow's Program
// through Compile without flow exporting it.
var compiler atomic.Value

// SetCompiler registers fn as the compiler of flows of type F. Package flow
// calls it once, in init.
func SetCompiler[F, C any](fn func(F) (*Program[C], error)) { compiler.Store(fn) }

// Compile compiles f with the registered compiler. Importing package flow
// registers it, so any package that has a *flow.Flow can call this.
func Compile[F, C any](f F) (*Program[C], error) {
	fn, _ := compiler.Load().(func(F) (*Program[C], error))
	if fn == nil {
		panic("engine: no compiler registered for this flow type (package flow registers it in init)")
	}
	return fn(f)
}
