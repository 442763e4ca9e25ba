package index

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestInOrder checks that inOrder hands on the results of groups read in
// parallel in the order the groups were sent, and that an error of the
// sender, of a load or of use ends it with that error and no goroutine
// left.
func TestInOrder(t *testing.T) {
	boom := errors.New("boom")
	const groups = 200
	for _, tc := range []struct {
		name               string
		sendErr, loadErrAt int // -1: none
		useErrAt           int
		want               error
		wantUsed           int
	}{
		{"all", -1, -1, -1, nil, groups},
		{"sender fails", 50, -1, -1, boom, 50},
		{"load fails", -1, 70, -1, boom, 70},
		{"use fails", -1, -1, 30, boom, 31},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			send := func(ctx context.Context, send func([]uint64) error) error {
				for i := range groups {
					if i == tc.sendErr {
						return boom
					}
					if err := send([]uint64{uint64(i)}); err != nil {
						return err
					}
				}
				return nil
			}
			load := func(docs []uint64) (string, error) {
				n := int(docs[0])
				if n == tc.loadErrAt {
					return "", boom
				}
				if n%7 == 0 {
					time.Sleep(time.Millisecond) // out of order, were it not for inOrder
				}
				return fmt.Sprint(n), nil
			}
			var used []string
			err := inOrder(context.Background(), send, load, func(s string) error {
				used = append(used, s)
				if len(used)-1 == tc.useErrAt {
					return boom
				}
				return nil
			})
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if len(used) != tc.wantUsed {
				t.Errorf("%d results used, want %d", len(used), tc.wantUsed)
			}
			for i, s := range used {
				if s != fmt.Sprint(i) {
					t.Fatalf("result %d is %s: %v", i, s, used[:i+1])
				}
			}
			waitGoroutines(t, before)
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		var used []int
		err := inOrder(ctx, func(ctx context.Context, send func([]uint64) error) error {
			for i := 0; ; i++ { // without end but for the cancellation
				if err := send([]uint64{uint64(i)}); err != nil {
					return err
				}
			}
		}, func(docs []uint64) (int, error) { return int(docs[0]), nil }, func(n int) error {
			used = append(used, n)
			if n == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || !slices.Equal(used, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
			t.Errorf("%v after %v", err, used)
		}
		waitGoroutines(t, before)
	})
}

// waitGoroutines fails unless the goroutines are back to n within seconds.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > n {
		t.Errorf("%d goroutines after, %d before", got, n)
	}
}

// TestDocSet checks the set of document numbers on the edges of its words.
func TestDocSet(t *testing.T) {
	var s docSet
	in := []uint64{0, 1, 63, 64, 65, 127, 128, 1000, 4095}
	for _, n := range in {
		s.add(n)
	}
	for n := range uint64(5000) {
		if got, want := s.has(n), slices.Contains(in, n); got != want {
			t.Errorf("has(%d) = %v", n, got)
		}
	}
	if docSet(nil).has(3) {
		t.Error("the empty set has 3")
	}
}
