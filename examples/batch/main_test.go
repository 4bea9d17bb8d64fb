package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/serviceflow/serviceflow/flowfile"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The outcomes do not depend on how the batches filled: each input has its
// own.
func Example() {
	main()
	// Output:
	// flow.Run: row 1
	// stopped stage "insert": stopped: duplicate sku-1
	// failed  stage "insert": wrong type for key "sku": want string, found int 700
	// 1000 orders: 998 done, 1 stopped, 1 failed; 999 rows
	// insert: 1000 inputs in batches of up to 100; fewer than 100 calls: true
}

func TestFlowFile(t *testing.T) {
	f, err := flowfile.LoadFile("orders.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
}
