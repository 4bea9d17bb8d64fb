package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func Example() {
	main()
	// Output:
	// order 1  book     total=12  done
	// order 2  digital  total=5  done
	// order 3  vinyl    total=29  done
}
