package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/jsonpos"
)

// Decode reads a JSON document into v, a pointer to a struct, and reports what
// encoding/json would drop silently or stop at: every key v has no field for, and every value
// of the wrong type. Each is an *Error keyed by its JSON path (routes[0].match.servce), saying
// where it is (line and column) and, for a key, the known key it most likely meant. What can
// be read is read, so the caller can check the rest. A text that is not JSON is one
// *jsonpos.Error.
//
// Keys match fields as encoding/json matches them: exactly, else ignoring case.
func Decode(data []byte, v any) error { return decode(data, v, true) }

// DecodeValue is Decode for a value whose text nobody wrote as it is read, such as a stack
// config object Pulumi encoded: its problems say no line and column.
func DecodeValue(data []byte, v any) error { return decode(data, v, false) }

func decode(data []byte, v any, positions bool) error {
	if !json.Valid(data) {
		var x any
		return jsonpos.Explain(data, json.Unmarshal(data, &x))
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("config: Decode needs a non-nil pointer")
	}
	d := &decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data)), positions: positions}
	if err := d.value(rv.Elem(), ""); err != nil {
		return jsonpos.Explain(data, err)
	}
	return join(d.problems)
}

// decoder walks the document's tokens beside the value being filled.
type decoder struct {
	data      []byte
	dec       *json.Decoder
	positions bool
	problems  []*Error
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// next returns the offset of the next value or key, and its first byte.
func (d *decoder) next() (int64, byte) {
	off := d.dec.InputOffset()
	for off < int64(len(d.data)) {
		switch c := d.data[off]; c {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off, c
		}
	}
	return off, 0
}

// bad reports a problem at key, placed at off: "what (line L, column C)", then the hint.
// Without positions, "what" and the hint.
func (d *decoder) bad(key string, off int64, what, hint string) {
	msg := what
	if d.positions {
		msg += " (" + jsonpos.At(d.data, off).String() + ")"
	}
	if hint != "" {
		msg += "; " + hint
	}
	d.problems = append(d.problems, &Error{Key: key, Message: msg})
}

// value fills v from the next JSON value. Errors returned are the decoder's own (the text was
// checked before); problems with the document are collected.
func (d *decoder) value(v reflect.Value, path string) error {
	off, c := d.next()
	t := v.Type()
	if c == 'n' { // null leaves the value as it is, as encoding/json does
		var raw json.RawMessage
		return d.dec.Decode(&raw)
	}
	if !reflect.PointerTo(t).Implements(unmarshaler) {
		switch {
		case t.Kind() == reflect.Pointer:
			if v.IsNil() {
				v.Set(reflect.New(t.Elem()))
			}
			return d.value(v.Elem(), path)
		case t.Kind() == reflect.Struct && c == '{':
			return d.object(v, path, fieldsOf(t))
		case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && c == '{':
			if v.IsNil() {
				v.Set(reflect.MakeMap(t))
			}
			return d.object(v, path, nil)
		case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 && c == '[':
			return d.array(v, path)
		}
	}
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
		d.bad(path, off, valueProblem(t, raw, err), "")
	}
	return nil
}

// object reads an object into a struct (fields given) or a map.
func (d *decoder) object(v reflect.Value, path string, fields []field) error {
	if _, err := d.dec.Token(); err != nil { // {
		return err
	}
	for d.dec.More() {
		off, _ := d.next()
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		if v.Kind() == reflect.Map {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(elem, at); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
			continue
		}
		f, ok := lookup(fields, key)
		if !ok {
			d.unknown(at, off, key, fields)
			var skip json.RawMessage
			if err := d.dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if err := d.value(v.FieldByIndex(f.index), at); err != nil {
			return err
		}
	}
	_, err := d.dec.Token() // }
	return err
}

func (d *decoder) array(v reflect.Value, path string) error {
	if _, err := d.dec.Token(); err != nil { // [
		return err
	}
	v.SetLen(0)
	for i := 0; d.dec.More(); i++ {
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
		v.Set(reflect.Append(v, elem))
	}
	_, err := d.dec.Token() // ]
	return err
}

// unknown reports a key the struct has no field for, with the known key it most likely meant.
func (d *decoder) unknown(path string, off int64, key string, fields []field) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	if best := Closest(key, names); best != "" {
		d.bad(path, off, "unknown key", fmt.Sprintf("did you mean %q?", best))
		return
	}
	d.bad(path, off, "unknown key", "known here: "+strings.Join(names, ", "))
}

// field is a struct field as JSON names it.
type field struct {
	name  string
	index []int
}

// fieldsOf lists the JSON keys of a struct type, embedded structs' included, in order.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" || !sf.IsExported() && !sf.Anonymous {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			for _, f := range fieldsOf(sf.Type) {
				out = append(out, field{name: f.name, index: append([]int{i}, f.index...)})
			}
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: []int{i}})
	}
	return out
}

// lookup finds the field for key: exactly, else ignoring case, as encoding/json does.
func lookup(fields []field, key string) (field, bool) {
	if i := slices.IndexFunc(fields, func(f field) bool { return f.name == key }); i >= 0 {
		return fields[i], true
	}
	if i := slices.IndexFunc(fields, func(f field) bool { return strings.EqualFold(f.name, key) }); i >= 0 {
		return fields[i], true
	}
	return field{}, false
}

// valueProblem says what is wrong with a value in words a config writer uses.
func valueProblem(t reflect.Type, raw json.RawMessage, err error) string {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err.Error() // a type's own UnmarshalJSON: Duration says what it wants
	}
	return fmt.Sprintf("want %s, got %s", want(t), got(raw))
}

func want(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list ([…])"
	case reflect.Struct, reflect.Map:
		return "an object ({…})"
	case reflect.Pointer:
		return want(t.Elem())
	}
	return "a " + t.String()
}

func got(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	show := string(raw)
	if len(show) > 40 {
		show = show[:37] + "…"
	}
	switch raw[0] {
	case '"':
		return "the string " + show
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return show
	}
	return "the number " + show
}

// Closest returns the candidate a user most likely meant by s: the one fewest single-character
// edits away (case ignored), if it is close enough to be a slip — at most a third of its
// length, and at least one edit — else the one s abbreviates (warn: warning), else "".
func Closest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(s), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist >= 0 && bestDist <= max(1, len([]rune(best))/3) {
		return best
	}
	if len(s) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), strings.ToLower(s)) {
				return c
			}
		}
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in characters, with a swap of two
// neighbours counted as one edit (a common slip: "sevrice").
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// d[i][j] is the distance between x[:i] and y[:j]; three rows suffice for swaps.
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}
