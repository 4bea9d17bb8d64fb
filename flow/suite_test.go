package flow_test

import (
	"testing"

	"github.com/serviceflow/serviceflow/flow/flowtest"
)

// The behaviour suite the actor runtime passes too.
func TestBehaviourSuite(t *testing.T) { flowtest.Run(t, flowtest.Sequential) }
