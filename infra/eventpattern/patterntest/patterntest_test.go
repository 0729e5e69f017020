package patterntest_test

import (
	"testing"

	"github.com/foghornhq/foghorn/infra/eventpattern/patterntest"
)

func TestMatcherSemantics(t *testing.T) {
	cases := []struct {
		pattern, event string
		want           bool
	}{
		{`{"a":["x"]}`, `{"a":"x"}`, true},
		{`{"a":["x"]}`, `{"a":["y","x"]}`, true},
		{`{"a":["x"]}`, `{}`, false},
		{`{"a":[{"anything-but":"x"}]}`, `{}`, false}, // anything-but needs the field
		{`{"a":[{"anything-but":"x"}]}`, `{"a":"y"}`, true},
		{`{"a":[{"anything-but":["x","y"]}]}`, `{"a":"y"}`, false},
		{`{"a":[{"anything-but":{"prefix":"Sc"}}]}`, `{"a":"Scaling"}`, false},
		{`{"a":[{"anything-but":{"prefix":"Sc"}}]}`, `{"a":"Task failed"}`, true},
		{`{"a":[{"exists":false}]}`, `{}`, true},
		{`{"a":[{"exists":false}]}`, `{"a":"x"}`, false},
		{`{"a":[{"exists":true}]}`, `{"a":"x"}`, true},
		{`{"a":[{"prefix":"ser"}]}`, `{"a":"service/x"}`, true},
		{`{"a":[{"suffix":"/x"}]}`, `{"a":"service/x"}`, true},
		{`{"a":[false]}`, `{"a":false}`, true},
		{`{"a":[false]}`, `{"a":"false"}`, false},
		{`{"d":{"b":["x"]}}`, `{"d":{"b":"x"}}`, true},
		{`{"d":{"b":["x"]}}`, `{"d":"x"}`, false},
		{`{"$or":[{"a":["x"]},{"b":["y"]}]}`, `{"b":"y"}`, true},
		{`{"$or":[{"a":["x"]},{"b":["y"]}]}`, `{"c":"y"}`, false},
		{`{"$or":[{"a":["x"],"$or":[{"b":["1"]},{"c":["2"]}]},{"z":["z"]}]}`, `{"a":"x","c":"2"}`, true},
		{`{"f":{"r":[{"exists":true}]}}`, `{"f":[{"a":"1"},{"r":"RESOURCE:MEMORY"}]}`, true},
		{`{"f":{"r":[{"exists":true}]}}`, `{"f":[]}`, false},
		{`{"f":{"r":[{"exists":true}]}}`, `{"f":[{"a":"1"}]}`, false},
		{`{"f":{"r":[{"exists":false}]}}`, `{"f":[]}`, true},
		{`{"f":{"r":["x"]}}`, `{"f":[{"r":"y"},{"r":"x"}]}`, true},
	}
	for _, c := range cases {
		got, err := patterntest.Match([]byte(c.pattern), []byte(c.event))
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if got != c.want {
			t.Errorf("Match(%s, %s) = %v, want %v", c.pattern, c.event, got, c.want)
		}
	}
	for _, bad := range []string{`{"a":"x"}`, `{"a":[]}`, `{"$or":[{"a":["x"]}]}`, `{"a":[{"wildcard":"x*"}]}`, `{"a":[{"prefix":""}]}`, `[]`} {
		if err := patterntest.Validate([]byte(bad)); err == nil {
			t.Errorf("Validate(%s) accepted an invalid pattern", bad)
		}
	}
}
