package event

import (
	"slices"
	"strings"
	"testing"
)

// resourcePathSplit is ResourcePath as it was written first, with strings.Split: the
// reference AppendResourcePath is held to.
func resourcePathSplit(a ARN) []string {
	i := strings.IndexAny(a.Resource, "/:")
	if i < 0 {
		return nil
	}
	rest := a.Resource[i+1:]
	if a.Resource[i] == ':' {
		return []string{rest}
	}
	return strings.Split(rest, "/")
}

// FuzzResourcePath holds ResourcePath, and AppendResourcePath after whatever dst already
// holds, to the strings.Split reference for every ARN.
func FuzzResourcePath(f *testing.F) {
	for _, s := range []string{
		"arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef",
		"arn:aws:ecs:us-east-1:123456789012:service/prod/checkout-api",
		"arn:aws:ecs:us-east-1:123456789012:task-definition/checkout:42",
		"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu/high:p99",
		"arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/api/Ab12",
		"arn:aws:ecs:us-east-1:123456789012:cluster",
		"arn:aws:ecs:us-east-1:123456789012:task//a//",
		"arn:aws:iam::123456789012:role/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := ParseARN(s)
		if !ok {
			a = ARN{Resource: s} // the resource grammar alone
		}
		want := resourcePathSplit(a)
		if got := a.ResourcePath(); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("ResourcePath of %q = %q, want %q", a.Resource, got, want)
		}
		var buf [2]string
		dst := append(buf[:0], "kept")
		if got := a.AppendResourcePath(dst); got[0] != "kept" || !slices.Equal(got[1:], want) {
			t.Fatalf("AppendResourcePath of %q = %q, want [kept] then %q", a.Resource, got, want)
		}
	})
}
