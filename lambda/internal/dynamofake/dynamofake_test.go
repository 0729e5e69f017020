package dynamofake

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const table = "foghorn-test-state"

// rawCall posts body as the SDK would (or as told) and returns the status, "__type",
// "message" and decoded body, checking the CRC32 header on the way.
func rawCall(t *testing.T, srv *Server, target string, body string, edit func(*http.Request)) (int, string, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", TargetPrefix+target)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS/20260304/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=fake")
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got, want := resp.Header.Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10); got != want {
		t.Errorf("X-Amz-Crc32 = %q, want %q", got, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer %q is not JSON: %v", b, err)
	}
	typ, _ := m["__type"].(string)
	msg, _ := m["message"].(string)
	return resp.StatusCode, typ, msg, m
}

// What the fake refuses, and how: DynamoDB's error shapes, and plain words for what it does
// not model.
func TestProtocol(t *testing.T) {
	srv := Start(Options{Table: table})
	defer srv.Close()
	srv.Seed(map[string]Value{"pk": Str("k"), "version": Num("1"), "data": Str("stored")})

	put := func(extra string) string {
		return `{"TableName":"` + table + `","Item":{"pk":{"S":"new"},"version":{"N":"1"}}` + extra + `}`
	}
	tests := []struct {
		name     string
		target   string
		body     string
		edit     func(*http.Request)
		status   int
		typ      string
		msg      string
		wantItem bool // the answer carries "Item"
	}{
		{name: "get", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"S":"k"}},"ConsistentRead":true}`,
			status: 200, wantItem: true},
		{name: "get absent", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"S":"nope"}}}`, status: 200},
		{name: "put", target: "PutItem", body: put(""), status: 200},
		{name: "unknown operation", target: "DeleteItem", body: `{}`, status: 400, typ: UnknownOperation, msg: "DeleteItem"},
		{name: "unsigned", target: "GetItem", body: `{}`, edit: func(r *http.Request) { r.Header.Del("Authorization") },
			status: 400, typ: MissingAuthenticationToken},
		{name: "signed for another service", target: "GetItem", body: `{}`,
			edit: func(r *http.Request) {
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=A/20260304/us-east-1/ssm/aws4_request")
			},
			status: 400, typ: MissingAuthenticationToken},
		{name: "content type", target: "GetItem", body: `{}`, edit: func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
			status: 400, typ: Serialization},
		{name: "not JSON", target: "GetItem", body: `{"TableName":`, status: 400, typ: Serialization},
		{name: "no table", target: "GetItem", body: `{"Key":{"pk":{"S":"k"}}}`, status: 400, typ: Validation, msg: "Value null at 'tableName'"},
		{name: "wrong table", target: "GetItem", body: `{"TableName":"other","Key":{"pk":{"S":"k"}}}`,
			status: 400, typ: ResourceNotFound, msg: "Requested resource not found"},
		{name: "unmodelled parameter", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"S":"k"}},"ProjectionExpression":"pk"}`,
			status: 400, typ: Validation, msg: "ProjectionExpression"},
		{name: "key with two attributes", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"S":"k"},"sk":{"S":"x"}}}`,
			status: 400, typ: Validation, msg: "does not match the schema"},
		{name: "key of another name", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"id":{"S":"k"}}}`,
			status: 400, typ: Validation, msg: "does not match the schema"},
		{name: "key of another type", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"N":"1"}}}`,
			status: 400, typ: Validation, msg: "Type mismatch for key pk expected: S actual: N"},
		{name: "empty key", target: "GetItem", body: `{"TableName":"` + table + `","Key":{"pk":{"S":""}}}`,
			status: 400, typ: Validation, msg: "cannot contain an empty string value"},
		{name: "item without key", target: "PutItem", body: `{"TableName":"` + table + `","Item":{"version":{"N":"1"}}}`,
			status: 400, typ: Validation, msg: "Missing the key pk in the item"},
		{name: "two types in a value", target: "PutItem", body: `{"TableName":"` + table + `","Item":{"pk":{"S":"k","N":"1"}}}`,
			status: 400, typ: Validation, msg: "2 data types"},
		{name: "not a number", target: "PutItem", body: `{"TableName":"` + table + `","Item":{"pk":{"S":"k"},"n":{"N":"0x10"}}}`,
			status: 400, typ: Validation, msg: "cannot be converted into a number"},
		{name: "unmodelled type", target: "PutItem", body: `{"TableName":"` + table + `","Item":{"pk":{"S":"k"},"m":{"M":{}}}}`,
			status: 400, typ: Validation, msg: "does not model attribute values of type M"},
		{name: "item too large", target: "PutItem",
			body:   `{"TableName":"` + table + `","Item":{"pk":{"S":"k"},"s":{"S":"` + strings.Repeat("x", 400*1024) + `"}}}`,
			status: 400, typ: Validation, msg: "Item size has exceeded"},
		{name: "names without an expression", target: "PutItem", body: put(`,"ExpressionAttributeNames":{"#pk":"pk"}`),
			status: 400, typ: Validation, msg: "ExpressionAttributeNames can only be specified when using expressions"},
		{name: "empty values", target: "PutItem", body: put(`,"ConditionExpression":"attribute_not_exists(pk)","ExpressionAttributeValues":{}`),
			status: 400, typ: Validation, msg: "ExpressionAttributeValues must not be empty"},
		{name: "unused value", target: "PutItem", body: put(`,"ConditionExpression":"attribute_not_exists(pk)","ExpressionAttributeValues":{":x":{"N":"1"}}`),
			status: 400, typ: Validation, msg: "unused in expressions: keys: {:x}"},
		{name: "undefined value", target: "PutItem", body: put(`,"ConditionExpression":"version = :v"`),
			status: 400, typ: Validation, msg: "attribute value: :v"},
		{name: "undefined name", target: "PutItem", body: put(`,"ConditionExpression":"attribute_not_exists(#pk)"`),
			status: 400, typ: Validation, msg: "attribute name: #pk"},
		{name: "reserved word", target: "PutItem", body: put(`,"ConditionExpression":"attribute_not_exists(data)"`),
			status: 400, typ: Validation, msg: "reserved keyword: data"},
		{name: "unmodelled ReturnValues", target: "PutItem", body: put(`,"ReturnValues":"ALL_OLD"`),
			status: 400, typ: Validation, msg: "does not model ReturnValues ALL_OLD"},
		{name: "conflict", target: "PutItem",
			body:   `{"TableName":"` + table + `","Item":{"pk":{"S":"k"}},"ConditionExpression":"attribute_not_exists(pk)"}`,
			status: 400, typ: ConditionalCheckFailed, msg: "The conditional request failed"},
		{name: "conflict with the old item", target: "PutItem",
			body:   `{"TableName":"` + table + `","Item":{"pk":{"S":"k"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`,
			status: 400, typ: ConditionalCheckFailed, msg: "The conditional request failed", wantItem: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, typ, msg, body := rawCall(t, srv, tt.target, tt.body, tt.edit)
			if status != tt.status || typ != tt.typ || !strings.Contains(msg, tt.msg) {
				t.Errorf("got %d %q %q, want %d %q containing %q", status, typ, msg, tt.status, tt.typ, tt.msg)
			}
			if _, ok := body["Item"]; ok != tt.wantItem {
				t.Errorf("answer %v: Item present = %t, want %t", body, ok, tt.wantItem)
			}
		})
	}
	if it, _ := srv.Item("k"); !it["data"].Equal(Str("stored")) {
		t.Errorf("a refused write changed the item: %v", it)
	}
}

func TestCondition(t *testing.T) {
	item := map[string]Value{"pk": Str("k"), "version": Num("3"), "expires": Num("100"), "flag": {Type: "BOOL", Bool: true}}
	names := map[string]string{"#pk": "pk", "#v": "version", "#e": "expires"}
	vals := map[string]Value{":three": Num("3.0"), ":now": Num("100"), ":later": Num("1e3"), ":s": Str("k")}
	tests := []struct {
		expr    string
		names   map[string]string // nil means names
		values  map[string]Value  // nil means vals
		absent  bool              // evaluate on no item
		want    bool
		wantErr string
	}{
		{expr: "attribute_not_exists(#pk)", names: map[string]string{"#pk": "pk"}, values: map[string]Value{}, want: false},
		{expr: "attribute_not_exists(#pk)", names: map[string]string{"#pk": "pk"}, values: map[string]Value{}, absent: true, want: true},
		{expr: "attribute_exists(pk)", names: map[string]string{}, values: map[string]Value{}, want: true},
		{expr: "#v = :three", names: map[string]string{"#v": "version"}, values: map[string]Value{":three": Num("3.0")}, want: true},
		{expr: "#e <= :now", names: map[string]string{"#e": "expires"}, values: map[string]Value{":now": Num("100")}, want: true},
		{expr: "#e < :now", names: map[string]string{"#e": "expires"}, values: map[string]Value{":now": Num("100")}, want: false},
		{expr: ":now >= #e", names: map[string]string{"#e": "expires"}, values: map[string]Value{":now": Num("100")}, want: true},
		{expr: "#e > :later", names: map[string]string{"#e": "expires"}, values: map[string]Value{":later": Num("1e3")}, want: false},
		{expr: "#e < :now", names: map[string]string{"#e": "expires"}, values: map[string]Value{":now": Num("100")}, absent: true, want: false},
		{expr: "pk = :s", names: map[string]string{}, values: map[string]Value{":s": Str("k")}, want: true},
		{expr: "version = :s", names: map[string]string{}, values: map[string]Value{":s": Str("k")}, want: false}, // types differ
		{expr: "flag < :s", names: map[string]string{}, values: map[string]Value{":s": Str("k")}, want: false},
		{expr: "attribute_not_exists(#pk) OR #e <= :now", names: map[string]string{"#pk": "pk", "#e": "expires"},
			values: map[string]Value{":now": Num("100")}, want: true},
		{expr: "attribute_not_exists(#pk) or #e < :now", names: map[string]string{"#pk": "pk", "#e": "expires"},
			values: map[string]Value{":now": Num("100")}, want: false},
		// AND binds tighter: false OR (true AND true).
		{expr: "attribute_not_exists(#pk) OR #v = :three AND #e <= :now", names: names,
			values: map[string]Value{":three": Num("3.0"), ":now": Num("100")}, want: true},
		{expr: "attribute_exists(#pk) AND #v = :three AND #e > :now", names: names,
			values: map[string]Value{":three": Num("3.0"), ":now": Num("100")}, want: false},
		{expr: "attribute_exists(#pk) AND #v = :three", names: names,
			values: map[string]Value{":three": Num("3.0")}, wantErr: "ExpressionAttributeNames unused in expressions: keys: {#e}"},

		{expr: "", wantErr: "can not be empty"},
		{expr: "(attribute_exists(#pk))", wantErr: "parentheses"},
		{expr: "NOT attribute_exists(#pk)", wantErr: "NOT"},
		{expr: "#v <> :three", wantErr: "<>"},
		{expr: "#v BETWEEN :three AND :now", wantErr: "BETWEEN"},
		{expr: "#v IN (:three)", wantErr: "IN"},
		{expr: "begins_with(#pk, :s)", wantErr: "function begins_with"},
		{expr: "a.b = :s", wantErr: "nested"},
		{expr: "#v =", wantErr: "<EOF>"},
		{expr: "#v = :three :now", wantErr: "Syntax error"},
		{expr: ":three = :now", wantErr: "two constants"},
		{expr: "#v = :three ;", wantErr: "Syntax error"},
		{expr: "attribute_exists(#pk, #v)", wantErr: "one path"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			n, v := tt.names, tt.values
			if n == nil {
				n = names
			}
			if v == nil {
				v = vals
			}
			c, err := parseCondition(tt.expr, n, v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			on := item
			if tt.absent {
				on = nil
			}
			if got := c.eval(on); got != tt.want {
				t.Errorf("eval = %t, want %t", got, tt.want)
			}
		})
	}
}

// Through the SDK: the shapes decode into its types, throttling is retried, the answer to a
// write can be lost after it took effect, and latency meets the caller's deadline.
func TestSDK(t *testing.T) {
	srv := Start(Options{Table: table})
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
	item := map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "k"}, "data": &types.AttributeValueMemberB{Value: []byte{0, 1, 2}},
		"version": &types.AttributeValueMemberN{Value: "1"},
	}
	create := func() (*dynamodb.PutItemOutput, error) {
		return c.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(table), Item: item,
			ConditionExpression:                 aws.String("attribute_not_exists(#pk)"),
			ExpressionAttributeNames:            map[string]string{"#pk": "pk"},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
	}

	if _, err := create(); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := out.Item["data"].(*types.AttributeValueMemberB); !ok || string(b.Value) != "\x00\x01\x02" {
		t.Errorf("data read back as %#v", out.Item["data"])
	}

	_, err = create()
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("second create: %v, want ConditionalCheckFailedException", err)
	}
	if v, ok := ccf.Item["version"].(*types.AttributeValueMemberN); !ok || v.Value != "1" {
		t.Errorf("the conflict's old item: %#v", ccf.Item)
	}

	srv.Throttle(2)
	if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key}); err != nil {
		t.Errorf("GetItem after 2 throttles: %v", err)
	}
	srv.Throttle(3)
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Errorf("GetItem after 3 throttles: %v, want ProvisionedThroughputExceededException", err)
	}

	// Lost answers: the fault answers, yet the item is written; the retry meets it.
	srv.Inject(1, Fault{Op: "PutItem", Type: InternalServerError, Lost: true})
	item["pk"] = &types.AttributeValueMemberS{Value: "lost"}
	_, err = create()
	if !errors.As(err, &ccf) {
		t.Errorf("create after a lost answer: %v, want the retry's conflict", err)
	}
	if _, ok := srv.Item("lost"); !ok {
		t.Error("a lost answer's write did not take effect")
	}

	var faults, throttles int
	for _, r := range srv.Requests() {
		if r.Fault {
			faults++
		}
		if r.Error == "ProvisionedThroughputExceededException" {
			throttles++
		}
	}
	if throttles != 5 {
		t.Errorf("%d throttled answers recorded, want 5", throttles)
	}
	if faults != 6 { // 5 throttles and the lost answer
		t.Errorf("%d faults recorded, want 6", faults)
	}

	// A fault with only a delay lets the request through, late.
	srv.Inject(1, Fault{Op: "GetItem", Delay: time.Millisecond})
	if out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key}); err != nil || out.Item == nil {
		t.Errorf("GetItem after a delay: %v, %v", out, err)
	}
	if reqs := srv.Requests(); !reqs[len(reqs)-1].Fault || reqs[len(reqs)-1].Error != "" {
		t.Errorf("delayed request recorded as %+v", reqs[len(reqs)-1])
	}

	srv.Inject(1, Fault{Op: "GetItem", Delay: time.Hour})
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.GetItem(dctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetItem held back an hour: %v, want the caller's deadline", err)
	}
}

func TestSweep(t *testing.T) {
	f := New(Options{Table: table})
	now := time.Unix(1000, 0)
	f.Seed(map[string]Value{"pk": Str("old"), "expires": Num("999")})
	f.Seed(map[string]Value{"pk": Str("now"), "expires": Num("1000")})
	f.Seed(map[string]Value{"pk": Str("forever")})
	f.Seed(map[string]Value{"pk": Str("odd"), "expires": Str("999")}) // TTL ignores non-numbers
	if n := f.Sweep(now); n != 1 {
		t.Errorf("swept %d, want 1", n)
	}
	for key, want := range map[string]bool{"old": false, "now": true, "forever": true, "odd": true} {
		if _, ok := f.Item(key); ok != want {
			t.Errorf("%s present = %t, want %t", key, ok, want)
		}
	}
}

func TestLatencyAndOnRequest(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := Start(Options{Table: table, Latency: time.Millisecond, OnRequest: func(r Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Op+" "+r.Key)
	}})
	defer srv.Close()
	_, err := srv.Client().GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(table), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "GetItem k" {
		t.Errorf("OnRequest saw %q", seen)
	}
}
