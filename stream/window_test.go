package stream

import (
	"context"
	"errors"
	"testing"
)

func TestWindowBlocksWhenFull(t *testing.T) {
	w := NewWindow(2)
	for range 2 {
		if err := w.Acquire(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if w.Open() != 2 || w.Half() != 1 {
		t.Fatalf("open %d half %d, want 2 and 1", w.Open(), w.Half())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire on a full window = %v, want context.Canceled", err)
	}
	got := make(chan error)
	go func() { got <- w.Acquire(t.Context()) }()
	w.Release(1) // a commit covers one record
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if w.Open() != 2 {
		t.Fatalf("open %d, want 2", w.Open())
	}
}

func TestWindowNilBoundsNothing(t *testing.T) {
	var w *Window
	for range 10 {
		if err := w.Acquire(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	w.Release(3)
	if w.Size() != 0 || w.Open() != 0 || w.Half() != 1 {
		t.Fatalf("nil window: size %d open %d half %d", w.Size(), w.Open(), w.Half())
	}
}

func TestWindowDefault(t *testing.T) {
	if s := NewWindow(0).Size(); s != DefaultWindow {
		t.Fatalf("size %d, want %d", s, DefaultWindow)
	}
}
