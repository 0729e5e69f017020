package dynamofake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Value is one DynamoDB attribute value as it travels in the JSON protocol ({"S":"..."},
// {"N":"1"}, {"B":"<base64>"}, {"BOOL":true}, {"NULL":true}). Maps, lists and sets are not
// modelled: the fake rejects them, so a client that starts sending them is noticed here.
type Value struct {
	Type string // "S", "N", "B", "BOOL" or "NULL"
	S    string // S, and N as sent
	B    []byte
	Bool bool
}

// Str, Num and Bin build values for Seed and for comparisons in tests.
func Str(s string) Value { return Value{Type: "S", S: s} }
func Num(n string) Value { return Value{Type: "N", S: n} }
func Bin(b []byte) Value { return Value{Type: "B", B: append([]byte{}, b...)} }

// Equal reports whether v and w are the same value as sent: numbers by their text, unlike
// a condition's "=".
func (v Value) Equal(w Value) bool {
	return v.Type == w.Type && v.S == w.S && bytes.Equal(v.B, w.B) && v.Bool == w.Bool
}

func (v Value) String() string {
	switch v.Type {
	case "B":
		return fmt.Sprintf("B(%d bytes)", len(v.B))
	case "BOOL":
		return fmt.Sprintf("BOOL(%t)", v.Bool)
	case "NULL":
		return "NULL"
	}
	return fmt.Sprintf("%s(%q)", v.Type, v.S)
}

func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case "S", "N":
		return json.Marshal(map[string]string{v.Type: v.S})
	case "B":
		return json.Marshal(map[string][]byte{"B": v.B})
	case "BOOL":
		return json.Marshal(map[string]bool{"BOOL": v.Bool})
	case "NULL":
		return []byte(`{"NULL":true}`), nil
	}
	return nil, fmt.Errorf("dynamofake: value of unknown type %q", v.Type)
}

// UnmarshalJSON accepts exactly one member of a modelled type, and checks N is a number.
func (v *Value) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if len(m) != 1 {
		return fmt.Errorf("Supplied AttributeValue has %d data types, want exactly one: {%s}", len(m), strings.Join(keys(m), ", "))
	}
	for typ, raw := range m {
		*v = Value{Type: typ}
		switch typ {
		case "S":
			return json.Unmarshal(raw, &v.S)
		case "N":
			if err := json.Unmarshal(raw, &v.S); err != nil {
				return err
			}
			if !numberSyntax.MatchString(v.S) {
				return fmt.Errorf("A value provided cannot be converted into a number: %q", v.S)
			}
			return nil
		case "B":
			if err := json.Unmarshal(raw, &v.B); err != nil {
				return err
			}
			if v.B == nil {
				v.B = []byte{}
			}
			return nil
		case "BOOL":
			return json.Unmarshal(raw, &v.Bool)
		case "NULL":
			var t bool
			if err := json.Unmarshal(raw, &t); err != nil || !t {
				return fmt.Errorf("Null attribute value types must have the value of true")
			}
			return nil
		case "M", "L", "SS", "NS", "BS":
			return fmt.Errorf("the fake does not model attribute values of type %s", typ)
		}
		return fmt.Errorf("Supplied AttributeValue has an unknown data type %q", typ)
	}
	return nil
}

// numberSyntax is a decimal number as DynamoDB takes it; big.Rat alone would also take
// fractions and hex.
var numberSyntax = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// size approximates DynamoDB's item size accounting: names and values in bytes, numbers at
// about one byte per two digits.
func (v Value) size() int {
	switch v.Type {
	case "S":
		return len(v.S)
	case "N":
		return len(v.S)/2 + 1
	case "B":
		return len(v.B)
	}
	return 1
}

// compare orders two values of the same comparable type (S, N, B); ok is false otherwise,
// and DynamoDB then evaluates the comparison as false.
func compare(a, b Value) (c int, ok bool) {
	if a.Type != b.Type {
		return 0, false
	}
	switch a.Type {
	case "S":
		return strings.Compare(a.S, b.S), true
	case "N":
		x, _ := new(big.Rat).SetString(a.S)
		y, _ := new(big.Rat).SetString(b.S)
		return x.Cmp(y), true
	case "B":
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

// equal is DynamoDB's "=": numbers by value, other types exactly.
func equal(a, b Value) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case "BOOL":
		return a.Bool == b.Bool
	case "NULL":
		return true
	}
	c, _ := compare(a, b)
	return c == 0
}

func cloneItem(it map[string]Value) map[string]Value {
	if it == nil {
		return nil
	}
	c := make(map[string]Value, len(it))
	for k, v := range it {
		if v.B != nil {
			v.B = append([]byte{}, v.B...)
		}
		c[k] = v
	}
	return c
}
