package state

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/foghornhq/foghorn/lambda/awsjson"
	"github.com/foghornhq/foghorn/lambda/clock"
)

// The DynamoDB table, one item per key, as the Pulumi component creates it: on demand, hash
// key pk (the only attribute the table definition declares), TTL enabled on expires.
//
//	pk       S  partition key (no sort key): Item.Key
//	version  N  Item.Version, 1 on creation, +1 on every write
//	data     B  Item.Data; absent when empty
//	expires  N  Item.Expires in epoch seconds, rounded up; absent when zero. The table's TTL
//	            attribute: DynamoDB deletes expired items, but only within days, so reads
//	            treat an expired item as absent themselves.
//	writer   S  a random token per Put call, so that a Put can recognise its own write
//	            when the client retries after a lost answer (see Put)
const (
	AttrKey     = "pk"
	AttrVersion = "version"
	AttrData    = "data"
	AttrExpires = "expires"
	AttrWriter  = "writer"
)

// The conditions Put writes under. Attribute names go through placeholders so that no name
// can ever collide with DynamoDB's reserved words ("data" is one).
const (
	// condCreate: version 0 means "absent or expired", as Get reads it. "<=", because Get
	// reads an item as expired from the second its expires is reached; with "<", a key read
	// as absent could not be created for up to a second.
	condCreate = "attribute_not_exists(#pk) OR #expires <= :now"
	// condUpdate: the version read is still the one stored.
	condUpdate = "#version = :v"
)

// DynamoAPI is the two DynamoDB calls the store makes; DynamoDB satisfies it.
type DynamoAPI interface {
	// GetItem returns the item, or nil when there is none.
	GetItem(ctx context.Context, in GetItemInput) (map[string]Attr, error)
	// PutItem writes an item; a failed condition is a *ConditionFailed.
	PutItem(ctx context.Context, in PutItemInput) error
}

// Attr is an attribute value as DynamoDB's JSON protocol writes it: {"S": "…"}, {"N": "…"},
// {"B": "base64"}. Values of other types read as none of the three.
type Attr struct {
	S *string `json:"S,omitempty"`
	N *string `json:"N,omitempty"`
	B []byte  `json:"B,omitempty"`
}

// GetItemInput is a consistent read of one key.
type GetItemInput struct {
	TableName      string
	Key            map[string]Attr
	ConsistentRead bool
}

// PutItemInput is a conditional write that returns the stored item when its condition fails.
type PutItemInput struct {
	TableName                           string
	Item                                map[string]Attr
	ConditionExpression                 string            `json:",omitempty"`
	ExpressionAttributeNames            map[string]string `json:",omitempty"`
	ExpressionAttributeValues           map[string]Attr   `json:",omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:",omitempty"`
}

// ConditionFailed is a PutItem whose condition did not hold; Item is the stored one.
type ConditionFailed struct{ Item map[string]Attr }

func (e *ConditionFailed) Error() string {
	return "ConditionalCheckFailedException: the conditional request failed"
}

// DynamoDB calls DynamoDB's GetItem and PutItem (awsjson: the SDK's dynamodb package costs
// 3 ms at every cold start).
type DynamoDB struct{ c *awsjson.Client }

// NewDynamoDB returns a DynamoDB client.
func NewDynamoDB(cfg awsjson.Config) *DynamoDB {
	return &DynamoDB{awsjson.New(cfg, awsjson.Service{Endpoint: "dynamodb", EnvID: "DYNAMODB", Target: "DynamoDB_20120810", JSONVersion: "1.0"})}
}

// GetItem implements DynamoAPI.
func (d *DynamoDB) GetItem(ctx context.Context, in GetItemInput) (map[string]Attr, error) {
	var out struct{ Item map[string]Attr }
	err := d.c.Call(ctx, "", "GetItem", in, &out)
	return out.Item, err
}

// PutItem implements DynamoAPI.
func (d *DynamoDB) PutItem(ctx context.Context, in PutItemInput) error {
	err := d.c.Call(ctx, "", "PutItem", in, nil)
	var ae *awsjson.Error
	if errors.As(err, &ae) && ae.Code == "ConditionalCheckFailedException" {
		var body struct{ Item map[string]Attr }
		_ = json.Unmarshal(ae.Body, &body)
		return &ConditionFailed{Item: body.Item}
	}
	return err
}

// Dynamo is a Store in a DynamoDB table laid out as above. Safe for concurrent use.
//
// Expiry is kept to the second (the TTL attribute's unit), rounded up so an item is never
// forgotten early; the item Put returns carries Expires as stored. An item whose version was
// read before it expired can still be updated after (the condition is on the version only);
// Memory would call that a conflict. Either way at most one of two racing writers wins.
type Dynamo struct {
	api   DynamoAPI
	table string
	clock clock.Clock
}

// NewDynamo returns a store over the named table whose items expire on c (nil: the system
// clock).
func NewDynamo(api DynamoAPI, table string, c clock.Clock) *Dynamo {
	return &Dynamo{api: api, table: table, clock: clock.Or(c)}
}

func (d *Dynamo) check(key string) error {
	if d.table == "" {
		return errors.New("state: no DynamoDB table name")
	}
	if key == "" {
		// DynamoDB rejects an empty key string; say so before the round trip.
		return errors.New("state: empty key")
	}
	return nil
}

// Get implements Store. It reads consistently: an eventually consistent read could miss the
// write of an invocation that ran a moment ago, and announce its crash loop a second time.
func (d *Dynamo) Get(ctx context.Context, key string) (Item, error) {
	if err := d.check(key); err != nil {
		return Item{}, err
	}
	item, err := d.api.GetItem(ctx, GetItemInput{TableName: d.table, Key: map[string]Attr{AttrKey: str(key)}, ConsistentRead: true})
	if err != nil {
		return Item{}, fmt.Errorf("state: get %q from table %q: %w", key, d.table, err)
	}
	if item == nil {
		return Item{Key: key}, nil
	}
	it, err := decodeItem(key, item)
	if err != nil {
		return Item{}, fmt.Errorf("state: get %q from table %q: %w", key, d.table, err)
	}
	if !it.Expires.IsZero() && !d.clock.Now().Before(it.Expires) {
		return Item{Key: key}, nil
	}
	return it, nil
}

// Put implements Store.
//
// The client retries a PutItem whose answer was lost (a 500, a reset connection) although the
// write may have taken effect; the retry then fails its own condition. Left alone, that
// would read as a conflict, the caller would re-read, find "someone else" already claimed
// the crash loop, and nobody would announce it. So every Put writes a fresh token and asks
// for the stored item when the condition fails: if it holds our token, the write was ours.
func (d *Dynamo) Put(ctx context.Context, it Item) (Item, error) {
	if err := d.check(it.Key); err != nil {
		return Item{}, err
	}
	now := d.clock.Now()
	stored := Item{Key: it.Key, Version: it.Version + 1, Expires: ceilSecond(expiry(now, it.Keep))}
	if len(it.Data) > 0 {
		stored.Data = append([]byte(nil), it.Data...)
	}
	token := rand.Text()
	av := encodeItem(stored)
	av[AttrWriter] = str(token)
	in := PutItemInput{TableName: d.table, Item: av, ReturnValuesOnConditionCheckFailure: "ALL_OLD"}
	if it.Version == 0 {
		in.ConditionExpression = condCreate
		in.ExpressionAttributeNames = map[string]string{"#pk": AttrKey, "#expires": AttrExpires}
		in.ExpressionAttributeValues = map[string]Attr{":now": epoch(now)}
	} else {
		in.ConditionExpression = condUpdate
		in.ExpressionAttributeNames = map[string]string{"#version": AttrVersion}
		in.ExpressionAttributeValues = map[string]Attr{":v": number(it.Version)}
	}
	if err := d.api.PutItem(ctx, in); err != nil {
		if ccf := (*ConditionFailed)(nil); errors.As(err, &ccf) {
			if w := ccf.Item[AttrWriter].S; w != nil && *w == token {
				return stored, nil
			}
			return Item{}, ErrConflict
		}
		return Item{}, fmt.Errorf("state: put %q in table %q: %w", it.Key, d.table, err)
	}
	return stored, nil
}

func encodeItem(it Item) map[string]Attr {
	av := map[string]Attr{AttrKey: str(it.Key), AttrVersion: number(it.Version)}
	if len(it.Data) > 0 {
		av[AttrData] = Attr{B: it.Data}
	}
	if !it.Expires.IsZero() {
		av[AttrExpires] = epoch(it.Expires)
	}
	return av
}

// decodeItem reads an item written by encodeItem; anything else in the table is an error
// rather than a guess.
func decodeItem(key string, av map[string]Attr) (Item, error) {
	it := Item{Key: key}
	v := av[AttrVersion].N
	if v == nil {
		return Item{}, fmt.Errorf("item has no numeric %q attribute", AttrVersion)
	}
	n, err := strconv.ParseInt(*v, 10, 64)
	if err != nil || n < 1 {
		return Item{}, fmt.Errorf("item has a malformed %q attribute %q", AttrVersion, *v)
	}
	it.Version = n
	if a, ok := av[AttrData]; ok {
		if a.B == nil {
			return Item{}, fmt.Errorf("item's %q attribute is not binary", AttrData)
		}
		if len(a.B) > 0 {
			it.Data = a.B
		}
	}
	if a, ok := av[AttrExpires]; ok {
		if a.N == nil {
			return Item{}, fmt.Errorf("item's %q attribute is not a number", AttrExpires)
		}
		// Whole seconds is what Put writes; TTL also accepts nothing else.
		s, err := strconv.ParseInt(*a.N, 10, 64)
		if err != nil {
			return Item{}, fmt.Errorf("item has a malformed %q attribute %q", AttrExpires, *a.N)
		}
		it.Expires = time.Unix(s, 0)
	}
	return it, nil
}

func str(s string) Attr { return Attr{S: &s} }

func number(n int64) Attr {
	s := strconv.FormatInt(n, 10)
	return Attr{N: &s}
}

// epoch is t in whole epoch seconds, rounded down: ":now" in condCreate, so that an item
// whose expires <= :now is exactly one that Get (now >= expires) reads as expired.
func epoch(t time.Time) Attr { return number(t.Unix()) }

// ceilSecond rounds t up to a whole second, so an item outlives what it was asked to.
func ceilSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	s := t.Truncate(time.Second)
	if s.Before(t) {
		s = s.Add(time.Second)
	}
	return time.Unix(s.Unix(), 0)
}
