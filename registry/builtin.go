package registry

// Builtin returns a new registry holding the built-in services (set, expr,
// filter, rename, delete, sleep, log, http, append, chaos) and decorators (catch,
// timer). Each call returns a fresh registry, so adding to one does not
// change another.
func Builtin() *Registry {
	r := New()
	r.Register("set", setSpec)
	r.Register("expr", exprSpec)
	r.Register("filter", filterSpec)
	r.Register("rename", renameSpec)
	r.Register("delete", deleteSpec)
	r.Register("sleep", sleepSpec)
	r.Register("log", logSpec)
	r.Register("http", httpSpec)
	r.Register("append", appendSpec)
	r.Register("chaos", chaosSpec)
	r.RegisterDecorator("catch", catchSpec)
	r.RegisterDecorator("timer", timerSpec)
	return r
}
