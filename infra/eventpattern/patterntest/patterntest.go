// Package patterntest evaluates EventBridge event patterns against events, for tests: the
// component's rules are checked against recorded AWS events without an AWS account. It is
// not part of the component's API.
package patterntest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Match reports whether event matches pattern, following EventBridge's rules for the
// operators foghorn's patterns use: exact values, prefix, suffix, anything-but (a value, a
// list, or a prefix), exists, and $or. Fields are ANDed, the values of a field are ORed, a
// field holding an array matches when any element does (an array of objects when any of
// them matches the nested pattern), and every operator except
// {"exists": false} fails on a field the event does not have.
//
// It exists so tests can run the rules against recorded events; it rejects operators it does
// not implement rather than guess.
func Match(pattern, event []byte) (bool, error) {
	var p map[string]any
	if err := json.Unmarshal(pattern, &p); err != nil {
		return false, fmt.Errorf("patterntest: pattern: %w", err)
	}
	var e map[string]any
	if err := json.Unmarshal(event, &e); err != nil {
		return false, fmt.Errorf("patterntest: event: %w", err)
	}
	if err := validate(p, ""); err != nil {
		return false, err
	}
	return matchObject(p, e), nil
}

// Validate checks that pattern is a JSON object EventBridge would accept, as far as the
// operators above go: every leaf is a non-empty array, every operator is known and well-formed,
// every $or has at least two object branches.
func Validate(pattern []byte) error {
	var p map[string]any
	if err := json.Unmarshal(pattern, &p); err != nil {
		return fmt.Errorf("patterntest: pattern is not a JSON object: %w", err)
	}
	if len(p) == 0 {
		return fmt.Errorf("patterntest: empty pattern")
	}
	return validate(p, "")
}

func validate(p map[string]any, path string) error {
	for k, v := range p {
		at := strings.TrimPrefix(path+"."+k, ".")
		if k == "$or" {
			branches, ok := v.([]any)
			if !ok || len(branches) < 2 {
				return fmt.Errorf("patterntest: %s: $or needs an array of at least two objects", at)
			}
			for _, br := range branches {
				o, ok := br.(map[string]any)
				if !ok || len(o) == 0 {
					return fmt.Errorf("patterntest: %s: $or branch is not a non-empty object", at)
				}
				if err := validate(o, path); err != nil {
					return err
				}
			}
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 {
				return fmt.Errorf("patterntest: %s: empty object", at)
			}
			if err := validate(v, at); err != nil {
				return err
			}
		case []any:
			if len(v) == 0 {
				return fmt.Errorf("patterntest: %s: empty value list matches nothing", at)
			}
			for _, m := range v {
				if err := validateMatcher(m, at); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("patterntest: %s: values must be given as an array, got %v", at, v)
		}
	}
	return nil
}

func validateMatcher(m any, at string) error {
	o, ok := m.(map[string]any)
	if !ok {
		switch m.(type) {
		case string, float64, bool, nil:
			return nil
		}
		return fmt.Errorf("patterntest: %s: unsupported value %v", at, m)
	}
	if len(o) != 1 {
		return fmt.Errorf("patterntest: %s: an operator object has exactly one key, got %v", at, o)
	}
	for op, arg := range o {
		switch op {
		case "prefix", "suffix":
			if s, ok := arg.(string); !ok || s == "" {
				return fmt.Errorf("patterntest: %s: %s takes a non-empty string", at, op)
			}
		case "exists":
			if _, ok := arg.(bool); !ok {
				return fmt.Errorf("patterntest: %s: exists takes true or false", at)
			}
		case "anything-but":
			switch a := arg.(type) {
			case string, float64:
			case []any:
				if len(a) == 0 {
					return fmt.Errorf("patterntest: %s: anything-but list is empty", at)
				}
				for _, x := range a {
					if _, ok := x.(string); !ok {
						return fmt.Errorf("patterntest: %s: anything-but list must hold strings", at)
					}
				}
			case map[string]any:
				pre, ok := a["prefix"].(string)
				if len(a) != 1 || !ok || pre == "" {
					return fmt.Errorf("patterntest: %s: anything-but object supports only a non-empty prefix here", at)
				}
			default:
				return fmt.Errorf("patterntest: %s: unsupported anything-but %v", at, arg)
			}
		default:
			return fmt.Errorf("patterntest: %s: operator %q is not implemented by this matcher", at, op)
		}
	}
	return nil
}

func matchObject(p map[string]any, e map[string]any) bool {
	for k, v := range p {
		if k == "$or" {
			hit := false
			for _, br := range v.([]any) {
				if matchObject(br.(map[string]any), e) {
					hit = true
					break
				}
			}
			if !hit {
				return false
			}
			continue
		}
		ev, present := e[k]
		switch v := v.(type) {
		case map[string]any:
			// A nested pattern object needs a nested event object; anything else is absent,
			// except that {"exists": false} below it still holds. EventBridge flattens an
			// array of objects: the pattern matches when one of them does.
			if arr, ok := ev.([]any); ok {
				hit := false
				for _, el := range arr {
					if o, ok := el.(map[string]any); ok && matchObject(v, o) {
						hit = true
						break
					}
				}
				if !hit && !matchObject(v, map[string]any{}) {
					return false
				}
				continue
			}
			sub, _ := ev.(map[string]any)
			if sub == nil {
				sub = map[string]any{}
			}
			if !matchObject(v, sub) {
				return false
			}
		case []any:
			if !matchLeaf(v, ev, present) {
				return false
			}
		}
	}
	return true
}

// matchLeaf matches one field's value list against the event's value.
func matchLeaf(matchers []any, ev any, present bool) bool {
	// EventBridge matches arrays element-wise.
	values := []any{ev}
	if arr, ok := ev.([]any); ok {
		values = arr
	}
	if _, isObj := ev.(map[string]any); isObj {
		// Exists and value matches apply to leaves only.
		present = false
	}
	for _, m := range matchers {
		if op, ok := m.(map[string]any); ok {
			if b, ok := op["exists"].(bool); ok {
				if b == present {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		for _, v := range values {
			if matchValue(m, v) {
				return true
			}
		}
	}
	return false
}

func matchValue(m, v any) bool {
	op, ok := m.(map[string]any)
	if !ok {
		return equal(m, v)
	}
	s, isStr := v.(string)
	if pre, ok := op["prefix"].(string); ok {
		return isStr && strings.HasPrefix(s, pre)
	}
	if suf, ok := op["suffix"].(string); ok {
		return isStr && strings.HasSuffix(s, suf)
	}
	if ab, ok := op["anything-but"]; ok {
		switch a := ab.(type) {
		case []any:
			for _, x := range a {
				if equal(x, v) {
					return false
				}
			}
			return true
		case map[string]any:
			pre := a["prefix"].(string)
			return isStr && !strings.HasPrefix(s, pre)
		default:
			return !equal(a, v)
		}
	}
	return false
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case string:
		s, ok := b.(string)
		return ok && a == s
	case float64:
		f, ok := b.(float64)
		return ok && a == f
	case bool:
		x, ok := b.(bool)
		return ok && a == x
	case nil:
		return b == nil
	}
	return false
}
