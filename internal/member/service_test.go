package member

import (
	"testing"
)

// TestProtectorIsInjected: the service never loads or creates a key itself;
// without the protector the wiring gives it, personal data cannot be used.
// (Loading, the start-up check and creation are in internal/datakey.)
func TestProtectorIsInjected(t *testing.T) {
	if _, err := (&Service{}).Protector(); err == nil {
		t.Fatal("a service without a protector made one")
	}
}
