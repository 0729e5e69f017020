package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

func TestGolden(t *testing.T) {
	fixtures.GoldenRenders(t, "testdata", fixtures.Samples(), Render, assertValid)
}

// assertValid checks a body against SCHEMA.md: the always-present fields, the enums, and
// every limit.
func assertValid(t *testing.T, body []byte) {
	t.Helper()
	if len(body) > MaxBody {
		t.Fatalf("body of %d bytes, more than %d", len(body), MaxBody)
	}
	if !utf8.Valid(body) {
		t.Fatal("body is not UTF-8")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "id", "source", "kind", "event", "severity", "title", "summary", "resource", "reason", "facts", "links", "count"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("always-present field %q missing", k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("does not decode into Document: %v", err)
	}
	if d.Schema != SchemaV1 || d.Count < 1 {
		t.Errorf("schema %q count %d", d.Schema, d.Count)
	}
	if !strings.Contains(" critical warning info resolved unknown ", " "+d.Severity+" ") {
		t.Errorf("severity %q", d.Severity)
	}
	if !containsKind(d.Kind) {
		t.Errorf("kind %q", d.Kind)
	}
	if d.Time != "" {
		if _, err := time.Parse(time.RFC3339Nano, d.Time); err != nil || !strings.HasSuffix(d.Time, "Z") {
			t.Errorf("time %q is not RFC 3339 UTC", d.Time)
		}
	}
	limit := func(what, s string, n int) {
		if len(s) > n {
			t.Errorf("%s: %d bytes, limit %d", what, len(s), n)
		}
	}
	limit("id", d.ID, maxID)
	limit("title", d.Title, maxLine)
	limit("summary", d.Summary, maxText)
	limit("excerpt", d.Excerpt, maxExcerpt)
	if len(d.Facts) > maxFacts || len(d.Links) > maxLinks || len(d.LogLines) > maxLogLines || len(d.Reason.Containers) > maxContainers {
		t.Errorf("%d facts, %d links, %d log lines, %d containers", len(d.Facts), len(d.Links), len(d.LogLines), len(d.Reason.Containers))
	}
	for _, f := range d.Facts {
		limit("fact label", f.Label, maxShort)
		limit("fact value", f.Value, maxText)
	}
	for _, l := range d.Links {
		limit("link url", l.URL, maxText)
	}
	for _, l := range d.LogLines {
		limit("log line", l, maxLogLine)
	}
}

func containsKind(k string) bool {
	for _, x := range alert.Kinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

// The example in SCHEMA.md is exactly what foghorn sends for the critical-oom sample.
func TestSchemaExampleIsHonest(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- example: critical-oom -->\n```json\n"
	i := bytes.Index(doc, []byte(marker))
	if i < 0 {
		t.Fatalf("SCHEMA.md has no %q block", marker)
	}
	rest := doc[i+len(marker):]
	example := rest[:bytes.Index(rest, []byte("```"))]
	body, err := Render(fixtures.Samples()["critical-oom"])
	if err != nil {
		t.Fatal(err)
	}
	if got := fixtures.Pretty(t, body); !bytes.Equal(got, example) {
		t.Errorf("SCHEMA.md's example differs from the rendering; paste this in:\n%s", got)
	}
}

// Every field of the Go schema is described in SCHEMA.md.
func TestSchemaDocumentsEveryField(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Document](), reflect.TypeFor[Resource](), reflect.TypeFor[Reason](),
		reflect.TypeFor[Container](), reflect.TypeFor[Fact](), reflect.TypeFor[Link](), reflect.TypeFor[Scaling]()} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !regexp.MustCompile("[`\"]" + regexp.QuoteMeta(name) + "[`\"]").Match(doc) {
				t.Errorf("SCHEMA.md does not describe %s.%s (%q)", typ.Name(), f.Name, name)
			}
		}
	}
}

// Every field of the alert model reaches the document: a field added to alert.Alert fails this
// test until the schema says where it goes (or that it stays out).
func TestEveryAlertFieldIsMapped(t *testing.T) {
	var a alert.Alert
	fill(reflect.ValueOf(&a).Elem(), "a")
	a.Kind, a.Severity = alert.KindDeployment, alert.Warning
	a.Time = time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)
	body, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	var missing []string
	walk(reflect.ValueOf(a), "a", func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if !strings.Contains(s, `"`+v.String()+`"`) && !strings.Contains(s, v.String()) {
				missing = append(missing, path)
			}
		}
	})
	for _, want := range []string{`"kind":"deployment"`, `"severity":"warning"`, `"time":"2026-08-30T12:00:00Z"`,
		`"taskRevision":7`, `"exitCode":7`, `"scaling":{"from":7,"to":7,"min":7,"max":7}`, `"count":7`} {
		if !strings.Contains(s, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("alert fields missing from the document: %v\n%s", missing, body)
	}
}

// fill sets every string to its path, every int to 7, every slice to one element.
func fill(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Int:
		v.SetInt(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), path+"0")
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	}
}

func walk(v reflect.Value, path string, f func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), path, f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			walk(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	default:
		f(path, v)
	}
}

// Hostile text is passed through as data (JSON escapes what JSON needs), invalid UTF-8 becomes
// U+FFFD, and limits are marked.
func TestTextIsDataNotMarkup(t *testing.T) {
	a := fixtures.Samples()["generic-hostile"]
	body, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	var d Document
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Title != fixtures.Hostile {
		t.Errorf("title changed: %q", d.Title)
	}
	if last := d.LogLines[len(d.LogLines)-1]; !strings.Contains(last, "\uFFFD") {
		t.Errorf("invalid UTF-8 not replaced: %q", last)
	}
	huge, err := Render(fixtures.Samples()["huge"])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(huge, &d); err != nil || !d.Truncated || !strings.HasSuffix(d.Summary, "…") {
		t.Errorf("huge: truncated %v, summary ends %q", d.Truncated, d.Summary[max(0, len(d.Summary)-10):])
	}
	for _, l := range d.Links {
		if strings.HasSuffix(l.URL, "…") {
			t.Errorf("a link was cut: %q", l.URL)
		}
	}
}

func TestShrinkToMaxBody(t *testing.T) {
	a := fixtures.Samples()["huge"]
	for i := range a.LogLines {
		a.LogLines[i] = strings.Repeat("x", 3000)
	}
	for i := range a.Facts {
		a.Facts[i].Value = strings.Repeat("v", 5000)
	}
	body, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, body)
	var d Document
	_ = json.Unmarshal(body, &d)
	if !d.Truncated || len(d.LogLines) == maxLogLines {
		t.Errorf("truncated %v, %d log lines", d.Truncated, len(d.LogLines))
	}
	if len(d.Facts) != maxFacts && len(d.LogLines) > 0 {
		t.Error("facts were dropped while log lines stayed")
	}
}

func FuzzRender(f *testing.F) {
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "\"\\", 40, 30)
	fixtures.Fuzz(f, Render, assertValid)
}
