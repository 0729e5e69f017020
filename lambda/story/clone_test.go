package story

import (
	"reflect"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
)

// fill sets every field reachable from v to something non-zero: pointers allocated, slices
// and maps given one element.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), depth-1)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth)
		fill(e, depth)
		v.SetMapIndex(k, e)
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float64:
		v.SetFloat(1.5)
	}
}

// shared names the first pointer, slice or map that a and b share.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := 0; i < a.Len(); i++ {
			if p := shared(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
	}
	return ""
}

// TestCloneSharesNothing: a story kept as a value is changed only as a clone, so a clone must
// share no memory with the original (a field added later and forgotten in clone fails here).
func TestCloneSharesNothing(t *testing.T) {
	var s Story
	fill(reflect.ValueOf(&s).Elem(), 3)
	if s.LastFailure == nil || s.LastFailure.Log == nil || len(s.LastFailure.Reason.Containers) == 0 || s.Refs == nil {
		t.Fatal("fill left fields empty")
	}
	c := s.clone()
	if !reflect.DeepEqual(&s, c) {
		t.Fatalf("clone differs:\n%+v\n%+v", s, *c)
	}
	if p := shared(reflect.ValueOf(&s).Elem(), reflect.ValueOf(c).Elem(), "Story"); p != "" {
		t.Errorf("clone shares %s with the original", p)
	}
	c.Refs["x"] = chat.Ref{ID: "changed"}
	c.LastFailure.Facts[0] = alert.Fact{Label: "changed"}
	if s.Refs["x"].ID == "changed" || s.LastFailure.Facts[0].Label == "changed" {
		t.Error("changing the clone changed the original")
	}
}
