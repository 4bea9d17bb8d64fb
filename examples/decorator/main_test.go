package main

// A failure is handled by Recover (the outermost After), a Stop passes
// through, and the decorators' Before and After nest around the service.
func Example() {
	main()
	// Output:
	// 7/2: q=3 error=<nil> err=<nil>
	//   trace: outer> inner> divide <inner <outer
	// 1/0: q=<nil> error=stage "divide": division by zero err=<nil>
	//   trace: outer> inner> divide <inner <outer
	// 1/-1: q=<nil> error=<nil> err=stage "divide": stopped: negative divisor
	//   trace: outer> inner> divide <inner <outer
}
