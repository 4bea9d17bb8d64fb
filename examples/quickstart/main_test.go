package main

// The quickstart's output is its test.
func Example() {
	main()
	// Output:
	// book,12.50,2   total=25     audit="ok"                                               err=<nil>
	// digital,3,1    total=4.2    audit="ok"                                               err=<nil>
	// vinyl,20,1     total=<nil>  audit="failed: stage \"fork(kind)\": fork on \"kind\": no branch for value \"vinyl\"" err=<nil>
	// nonsense       total=<nil>  audit="ok"                                               err=stage "parse": stopped: unparseable line: EOF
}
