package state_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
	"github.com/foghornhq/foghorn/lambda/state"
)

const table = "foghorn-test-state"

// t0 is a whole second, so that Dynamo's rounding to seconds leaves the expectations alone.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func newDynamo(t testing.TB, c clock.Clock) (*state.Dynamo, *dynamofake.Server) {
	t.Helper()
	srv := dynamofake.Start(dynamofake.Options{Table: table})
	t.Cleanup(srv.Close)
	return state.NewDynamo(state.NewDynamoDB(srv.Config()), table, c), srv
}

// stores are the implementations that must behave alike.
var stores = []struct {
	name string
	new  func(t testing.TB, c clock.Clock) state.Store
}{
	{"memory", func(_ testing.TB, c clock.Clock) state.Store { return state.NewMemory(c) }},
	{"dynamo", func(t testing.TB, c clock.Clock) state.Store {
		d, _ := newDynamo(t, c)
		return d
	}},
}

// step is one call on a store: a Get when put is nil, else a Put. advance moves the clock first.
type step struct {
	advance time.Duration
	key     string
	put     *state.Item
	want    state.Item // Get's result, or Put's when wantErr is nil
	wantErr error
}

func TestStore(t *testing.T) {
	data := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name  string
		steps []step
	}{
		{"get absent", []step{
			{key: "story#checkout-api", want: state.Item{Key: "story#checkout-api"}},
		}},
		{"put new", []step{
			{put: &state.Item{Key: "k", Keep: time.Hour, Data: data(`{"n":1}`)},
				want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Hour), Data: data(`{"n":1}`)}},
			{key: "k", want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Hour), Data: data(`{"n":1}`)}},
		}},
		{"put with the version read", []step{
			{put: &state.Item{Key: "k", Data: data("a")}, want: state.Item{Key: "k", Version: 1, Data: data("a")}},
			{put: &state.Item{Key: "k", Version: 1, Data: data("b")}, want: state.Item{Key: "k", Version: 2, Data: data("b")}},
			{key: "k", want: state.Item{Key: "k", Version: 2, Data: data("b")}},
		}},
		{"put with a stale version", []step{
			{put: &state.Item{Key: "k", Data: data("a")}, want: state.Item{Key: "k", Version: 1, Data: data("a")}},
			{put: &state.Item{Key: "k", Version: 1, Data: data("b")}, want: state.Item{Key: "k", Version: 2, Data: data("b")}},
			{put: &state.Item{Key: "k", Version: 1, Data: data("c")}, wantErr: state.ErrConflict},
			{put: &state.Item{Key: "k", Data: data("d")}, wantErr: state.ErrConflict},
			{key: "k", want: state.Item{Key: "k", Version: 2, Data: data("b")}},
		}},
		{"put with a version on an absent key", []step{
			{put: &state.Item{Key: "k", Version: 3, Data: data("a")}, wantErr: state.ErrConflict},
			{key: "k", want: state.Item{Key: "k"}},
		}},
		{"expired item reads absent and can be re-created", []step{
			{put: &state.Item{Key: "k", Keep: time.Minute, Data: data("old")},
				want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Minute), Data: data("old")}},
			{advance: time.Minute - time.Second, key: "k",
				want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Minute), Data: data("old")}},
			{advance: time.Second, key: "k", want: state.Item{Key: "k"}},
			{put: &state.Item{Key: "k", Keep: time.Hour, Data: data("new")},
				want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Minute + time.Hour), Data: data("new")}},
			{key: "k", want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Minute + time.Hour), Data: data("new")}},
		}},
		{"live item cannot be re-created", []step{
			{put: &state.Item{Key: "k", Keep: time.Minute, Data: data("a")},
				want: state.Item{Key: "k", Version: 1, Expires: t0.Add(time.Minute), Data: data("a")}},
			{advance: time.Minute - time.Second, put: &state.Item{Key: "k", Data: data("b")}, wantErr: state.ErrConflict},
		}},
		{"no expiry is forever", []step{
			{put: &state.Item{Key: "k", Data: data("a")}, want: state.Item{Key: "k", Version: 1, Data: data("a")}},
			{advance: 10 * 365 * 24 * time.Hour, key: "k", want: state.Item{Key: "k", Version: 1, Data: data("a")}},
			{put: &state.Item{Key: "k", Data: data("b")}, wantErr: state.ErrConflict},
		}},
		{"empty data", []step{
			{put: &state.Item{Key: "k"}, want: state.Item{Key: "k", Version: 1}},
			{key: "k", want: state.Item{Key: "k", Version: 1}},
		}},
		{"keys are separate", []step{
			{put: &state.Item{Key: "a", Data: data("1")}, want: state.Item{Key: "a", Version: 1, Data: data("1")}},
			{put: &state.Item{Key: "b", Data: data("2")}, want: state.Item{Key: "b", Version: 1, Data: data("2")}},
			{key: "a", want: state.Item{Key: "a", Version: 1, Data: data("1")}},
		}},
	}
	for _, impl := range stores {
		for _, tt := range tests {
			t.Run(impl.name+"/"+tt.name, func(t *testing.T) {
				c := clock.NewFake(t0)
				s := impl.new(t, c)
				ctx := context.Background()
				for i, st := range tt.steps {
					c.Advance(st.advance)
					var got state.Item
					var err error
					if st.put != nil {
						got, err = s.Put(ctx, *st.put)
					} else {
						got, err = s.Get(ctx, st.key)
					}
					if st.wantErr != nil {
						if !errors.Is(err, st.wantErr) {
							t.Fatalf("step %d: err = %v, want %v", i, err, st.wantErr)
						}
						continue
					}
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if !sameItem(got, st.want) {
						t.Fatalf("step %d: got %s, want %s", i, show(got), show(st.want))
					}
				}
			})
		}
	}
}

func sameItem(a, b state.Item) bool {
	return a.Key == b.Key && a.Version == b.Version && a.Expires.Equal(b.Expires) && bytes.Equal(a.Data, b.Data)
}

func show(it state.Item) string {
	return fmt.Sprintf("{Key:%q Version:%d Expires:%v Data:%q}", it.Key, it.Version, it.Expires, it.Data)
}

// Many invocations read the same version and write at once: exactly one may win, for the
// create (version 0) and for an update alike. Run with -race.
func TestConcurrentPuts(t *testing.T) {
	const writers = 24
	for _, impl := range stores {
		t.Run(impl.name, func(t *testing.T) {
			c := clock.NewFake(t0)
			s := impl.new(t, c)
			for version := int64(0); version < 2; version++ {
				var wg sync.WaitGroup
				errs := make([]error, writers)
				for i := range writers {
					wg.Go(func() {
						_, errs[i] = s.Put(context.Background(), state.Item{
							Key: "story#checkout-api", Version: version,
							Keep: time.Hour, Data: fmt.Appendf(nil, "writer %d", i),
						})
					})
				}
				wg.Wait()
				won := -1
				for i, err := range errs {
					switch {
					case err == nil && won >= 0:
						t.Fatalf("version %d: writers %d and %d both won", version, won, i)
					case err == nil:
						won = i
					case !errors.Is(err, state.ErrConflict):
						t.Fatalf("version %d: writer %d: %v", version, i, err)
					}
				}
				if won < 0 {
					t.Fatalf("version %d: nobody won", version)
				}
				got, err := s.Get(context.Background(), "story#checkout-api")
				if err != nil || got.Version != version+1 || string(got.Data) != fmt.Sprintf("writer %d", won) {
					t.Fatalf("version %d: stored %s, %v; want writer %d's at version %d", version, show(got), err, won, version+1)
				}
			}
		})
	}
}

// The calls as DynamoDB sees them: the table, the key, a consistent read, the conditions.
func TestDynamoRequests(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	ctx := context.Background()
	if _, err := d.Get(ctx, "story#checkout-api"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, state.Item{Key: "story#checkout-api", Keep: time.Hour, Data: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	if _, err := d.Put(ctx, state.Item{Key: "story#checkout-api", Version: 1, Data: []byte(`{"n":2}`)}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	num := func(n int64) dynamofake.Value { return dynamofake.Num(fmt.Sprint(n)) }
	tests := []struct {
		name       string
		op         string
		consistent bool
		cond       string
		names      map[string]string
		values     map[string]dynamofake.Value
		item       map[string]dynamofake.Value // writer is checked apart
	}{
		{name: "get", op: "GetItem", consistent: true},
		{name: "create", op: "PutItem",
			cond:   "attribute_not_exists(#pk) OR #expires <= :now",
			names:  map[string]string{"#pk": "pk", "#expires": "expires"},
			values: map[string]dynamofake.Value{":now": num(t0.Unix())},
			item: map[string]dynamofake.Value{"pk": dynamofake.Str("story#checkout-api"), "version": num(1),
				"data": dynamofake.Bin([]byte("{}")), "expires": num(t0.Add(time.Hour).Unix())},
		},
		{name: "update", op: "PutItem",
			cond:   "#version = :v",
			names:  map[string]string{"#version": "version"},
			values: map[string]dynamofake.Value{":v": num(1)},
			item: map[string]dynamofake.Value{"pk": dynamofake.Str("story#checkout-api"), "version": num(2),
				"data": dynamofake.Bin([]byte(`{"n":2}`))},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reqs[i]
			if r.Op != tt.op || r.Table != table || r.Key != "story#checkout-api" || r.Error != "" {
				t.Errorf("got %s on %q key %q (error %q), want %s on %q", r.Op, r.Table, r.Key, r.Error, tt.op, table)
			}
			if r.ConsistentRead != tt.consistent {
				t.Errorf("ConsistentRead = %t", r.ConsistentRead)
			}
			if r.Condition != tt.cond {
				t.Errorf("condition %q, want %q", r.Condition, tt.cond)
			}
			if fmt.Sprint(r.Names) != fmt.Sprint(tt.names) || !sameValues(r.Values, tt.values) {
				t.Errorf("names %v values %v, want %v %v", r.Names, r.Values, tt.names, tt.values)
			}
			if tt.op != "PutItem" {
				return
			}
			if r.ReturnOnConflict != "ALL_OLD" {
				t.Errorf("ReturnValuesOnConditionCheckFailure = %q, want ALL_OLD", r.ReturnOnConflict)
			}
			w, ok := r.Item["writer"]
			if !ok || w.Type != "S" || len(w.S) < 16 {
				t.Errorf("writer token %v", w)
			}
			item := map[string]dynamofake.Value{}
			for k, v := range r.Item {
				if k != "writer" {
					item[k] = v
				}
			}
			if !sameValues(item, tt.item) {
				t.Errorf("item %v, want %v", item, tt.item)
			}
		})
	}
	if w1, w2 := reqs[1].Item["writer"].S, reqs[2].Item["writer"].S; w1 == w2 {
		t.Errorf("two Puts wrote the same token %q", w1)
	}
}

func sameValues(a, b map[string]dynamofake.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}

func TestLayoutMatchesFake(t *testing.T) {
	if state.AttrKey != dynamofake.DefaultPartitionKey || state.AttrExpires != dynamofake.DefaultTTLAttribute {
		t.Errorf("the fake's defaults (%q, %q) are not the table's layout (%q, %q)",
			dynamofake.DefaultPartitionKey, dynamofake.DefaultTTLAttribute, state.AttrKey, state.AttrExpires)
	}
}

// TTL is whole seconds: expiry rounds up, and Put returns what Get will read.
func TestDynamoExpiresRoundsUp(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	ctx := context.Background()
	put, err := d.Put(ctx, state.Item{Key: "k", Keep: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(2 * time.Second); !put.Expires.Equal(want) {
		t.Errorf("Put returned Expires %v, want %v", put.Expires, want)
	}
	if it, _ := srv.Item("k"); !it["expires"].Equal(dynamofake.Num(fmt.Sprint(t0.Unix() + 2))) {
		t.Errorf("stored expires %v, want %d", it["expires"], t0.Unix()+2)
	}
	got, err := d.Get(ctx, "k")
	if err != nil || !sameItem(got, put) {
		t.Errorf("Get = %s, %v; want %s", show(got), err, show(put))
	}
	c.Advance(2 * time.Second)
	if got, _ := d.Get(ctx, "k"); got.Version != 0 {
		t.Errorf("after expiry Get = %s, want absent", show(got))
	}
}

// DynamoDB's TTL process deletes the item some day; creating it again works before and after.
func TestDynamoAfterSweep(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	ctx := context.Background()
	if _, err := d.Put(ctx, state.Item{Key: "k", Keep: time.Minute}); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	if n := srv.Sweep(c.Now()); n != 1 {
		t.Fatalf("swept %d, want 1", n)
	}
	if got, err := d.Put(ctx, state.Item{Key: "k", Keep: time.Hour}); err != nil || got.Version != 1 {
		t.Fatalf("Put = %s, %v", show(got), err)
	}
}

// The SDK retries a write whose answer was lost; the retry fails its own condition, and Put
// must still report the write as made, or the crash loop would never be announced.
func TestDynamoLostAnswer(t *testing.T) {
	tests := []struct {
		name    string
		version int64
	}{{"create", 0}, {"update", 1}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := clock.NewFake(t0)
			d, srv := newDynamo(t, c)
			ctx := context.Background()
			if tt.version > 0 {
				if _, err := d.Put(ctx, state.Item{Key: "k", Data: []byte("a")}); err != nil {
					t.Fatal(err)
				}
			}
			srv.Inject(1, dynamofake.Fault{Op: "PutItem", Type: dynamofake.InternalServerError, Message: "fake: answer lost", Lost: true})
			got, err := d.Put(ctx, state.Item{Key: "k", Version: tt.version, Data: []byte("mine")})
			if err != nil || got.Version != tt.version+1 {
				t.Fatalf("Put = %s, %v; want version %d", show(got), err, tt.version+1)
			}
			reqs := srv.Requests()
			last := reqs[len(reqs)-2:]
			if last[0].Error != "InternalServerError" || last[1].Error != "ConditionalCheckFailedException" {
				t.Errorf("answers %q then %q, want the lost write then its retry's conflict", last[0].Error, last[1].Error)
			}
			// A real conflict is still one: another writer's token is not ours.
			if _, err := d.Put(ctx, state.Item{Key: "k", Version: tt.version, Data: []byte("late")}); !errors.Is(err, state.ErrConflict) {
				t.Errorf("stale Put after: err = %v, want ErrConflict", err)
			}
		})
	}
}

func TestDynamoThrottling(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	ctx := context.Background()

	// The SDK retries throttling (3 attempts by default): two throttles are absorbed.
	srv.Throttle(2)
	if _, err := d.Put(ctx, state.Item{Key: "k", Data: []byte("a")}); err != nil {
		t.Fatalf("Put after 2 throttles: %v", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	srv.Throttle(3)
	_, err := d.Get(ctx, "story#checkout-api")
	if err == nil || errors.Is(err, state.ErrConflict) {
		t.Fatalf("Get throttled 3 times: err = %v, want a plain error", err)
	}
	for _, want := range []string{`"story#checkout-api"`, table, "ProvisionedThroughputExceededException"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestDynamoErrors(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	srv.Seed(map[string]dynamofake.Value{"pk": dynamofake.Str("bad-version"), "version": dynamofake.Str("1")})
	srv.Seed(map[string]dynamofake.Value{"pk": dynamofake.Str("bad-data"), "version": dynamofake.Num("1"), "data": dynamofake.Str("x")})
	srv.Seed(map[string]dynamofake.Value{"pk": dynamofake.Str("bad-expires"), "version": dynamofake.Num("1"), "expires": dynamofake.Num("1.5")})
	wrongTable := state.NewDynamo(state.NewDynamoDB(srv.Config()), "foghorn-test-other", c)
	noTable := state.NewDynamo(state.NewDynamoDB(srv.Config()), "", c)

	tests := []struct {
		name string
		call func(ctx context.Context) error
		want []string
	}{
		{"wrong table", func(ctx context.Context) error { _, err := wrongTable.Get(ctx, "k"); return err },
			[]string{`"k"`, "foghorn-test-other", "ResourceNotFoundException"}},
		{"wrong table on put", func(ctx context.Context) error { _, err := wrongTable.Put(ctx, state.Item{Key: "k"}); return err },
			[]string{`put "k"`, "ResourceNotFoundException"}},
		{"no table", func(ctx context.Context) error { _, err := noTable.Get(ctx, "k"); return err },
			[]string{"no DynamoDB table name"}},
		{"empty key", func(ctx context.Context) error { _, err := d.Put(ctx, state.Item{}); return err },
			[]string{"empty key"}},
		{"version not a number", func(ctx context.Context) error { _, err := d.Get(ctx, "bad-version"); return err },
			[]string{`"bad-version"`, `no numeric "version"`}},
		{"data not binary", func(ctx context.Context) error { _, err := d.Get(ctx, "bad-data"); return err },
			[]string{`"data" attribute is not binary`}},
		{"expires not whole seconds", func(ctx context.Context) error { _, err := d.Get(ctx, "bad-expires"); return err },
			[]string{`malformed "expires"`}},
		{"cancelled", func(ctx context.Context) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := d.Get(ctx, "k")
			return err
		}, []string{"context canceled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background())
			if err == nil || errors.Is(err, state.ErrConflict) {
				t.Fatalf("err = %v", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %s", err, want)
				}
			}
		})
	}
}

// A read and a conditional write, the store's unit of work, against the fake over HTTP.
func BenchmarkDynamoGetPut(b *testing.B) {
	d, _ := newDynamo(b, clock.NewFake(t0))
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 512)
	b.ReportAllocs()
	for b.Loop() {
		it, err := d.Get(ctx, "story#checkout-api")
		if err != nil {
			b.Fatal(err)
		}
		it.Data = data
		it.Keep = time.Hour
		if _, err := d.Put(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
}
