package event

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2020-01-23T17:57:58Z", want("2020-01-23T17:57:58Z")},
		{"2023-05-03T15:18:02.93Z", want("2023-05-03T15:18:02.93Z")},
		{"2024-11-13T21:22:46.71Z", want("2024-11-13T21:22:46.71Z")},
		{"2016-12-06T16:41:06.8Z", want("2016-12-06T16:41:06.8Z")},
		{"2020-01-23T17:57:34.402123456Z", want("2020-01-23T17:57:34.402123456Z")},
		{"2019-10-02T17:04:40.989+0000", want("2019-10-02T17:04:40.989Z")},
		{"2019-10-02T19:04:40.989+0200", want("2019-10-02T17:04:40.989Z")},
		{"2019-10-02T17:04:40+0000", want("2019-10-02T17:04:40Z")},
		{"2019-10-02T17:04:40+00:00", want("2019-10-02T17:04:40Z")},
		{"Sat, 05 Jun 2016 15:10:09 GMT", want("2016-06-05T15:10:09Z")},
		{"Wed, 16 Aug 2023 23:18:52 GMT", want("2023-08-16T23:18:52Z")},
		{"1611050827340", time.UnixMilli(1611050827340).UTC()},
		{"1611050827", time.Unix(1611050827, 0).UTC()},
		{" 2020-05-23T11:11:11Z ", want("2020-05-23T11:11:11Z")},
	}
	for _, tt := range tests {
		got, ok := ParseTime(tt.in)
		if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "NaN", "Inf", "2019-13-45T99:00:00Z"} {
		if got, ok := ParseTime(bad); ok {
			t.Errorf("ParseTime(%q) = %v, want failure", bad, got)
		}
	}
}

func TestTimestampDecodesAnything(t *testing.T) {
	var v struct {
		A, B, C, D Timestamp
		E          string
	}
	if err := Decode([]byte(`{"A":"2019-10-02T17:04:40.989+0000","B":1611050827340,"C":{"x":1},"D":null,"E":"kept"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.Time().IsZero() || v.B.Time().IsZero() || v.C != "" || v.D != "" || v.E != "kept" {
		t.Errorf("got %+v", v)
	}
}

func TestDecodeKeepsWhatFits(t *testing.T) {
	var task Task
	// version as an object does not fit and must not sink the rest; an exit code that is not a
	// number must read as unknown, never as 0.
	err := Decode([]byte(`{"lastStatus":"STOPPED","version":{"x":1},"containers":[{"name":"app","exitCode":"1"},{"name":"log","exitCode":0},{"name":"x","exitCode":"oops"},{"name":"y","exitCode":null}],"stopCode":"EssentialContainerExited"}`), &task)
	if err != nil {
		t.Fatal(err)
	}
	c := task.Containers
	if task.LastStatus != "STOPPED" || task.StopCode != "EssentialContainerExited" || len(c) != 4 ||
		!c[0].ExitCode.Known || c[0].ExitCode.N != 1 || !c[1].ExitCode.Known || c[1].ExitCode.N != 0 ||
		c[2].ExitCode.Known || c[3].ExitCode.Known || c[2].Name != "x" {
		t.Errorf("got %+v", task)
	}
	if err := Decode([]byte(`not json`), &task); err == nil {
		t.Error("Decode accepted text that is not JSON")
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		in       string
		ok       bool
		typ      string
		path     []string
		region   string
		partName string
	}{
		{"arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad", true, "task", []string{"FargateCluster", "c13b4cb40f1f4fe4a2971f76ae5a47ad"}, "us-west-2", "aws"},
		{"arn:aws:ecs:us-east-1:111122223333:task/b99d40b3-5176-4f71-9a52-9dbd6f1cebef", true, "task", []string{"b99d40b3-5176-4f71-9a52-9dbd6f1cebef"}, "us-east-1", "aws"},
		{"arn:aws-cn:ecs:cn-north-1:111122223333:task-definition/web:12", true, "task-definition", []string{"web:12"}, "cn-north-1", "aws-cn"},
		{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-service/c/s-AlarmHigh-x", true, "alarm", []string{"TargetTracking-service/c/s-AlarmHigh-x"}, "us-east-1", "aws"},
		{"arn:aws:sns:EXAMPLE", false, "", nil, "", ""},
		{"not-an-arn", false, "", nil, "", ""},
	}
	for _, tt := range tests {
		a, ok := ParseARN(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseARN(%q) ok = %v", tt.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if a.ResourceType() != tt.typ || a.Region != tt.region || a.Partition != tt.partName || len(a.ResourcePath()) != len(tt.path) {
			t.Errorf("ParseARN(%q) = %+v type %q path %q", tt.in, a, a.ResourceType(), a.ResourcePath())
			continue
		}
		for i := range tt.path {
			if a.ResourcePath()[i] != tt.path[i] {
				t.Errorf("ParseARN(%q) path = %q", tt.in, a.ResourcePath())
			}
		}
	}
}

func TestRegionCode(t *testing.T) {
	tests := map[string]string{
		"US (Virginia)":             "us-east-1",
		"US East (N. Virginia)":     "us-east-1",
		"US - N. Virginia":          "us-east-1",
		"US East (Ohio)":            "us-east-2",
		"US West (N. California)":   "us-west-1",
		"US West (Oregon)":          "us-west-2",
		"EU - Ireland":              "eu-west-1",
		"EU (Ireland)":              "eu-west-1",
		"Europe (Ireland)":          "eu-west-1",
		"EU (London)":               "eu-west-2",
		"Asia Pacific (Tokyo)":      "ap-northeast-1",
		"South America (Sao Paulo)": "sa-east-1",
		"Canada West (Calgary)":     "ca-west-1",
		"Canada (Central)":          "ca-central-1",
		"AWS GovCloud (US-West)":    "us-gov-west-1",
		"AWS GovCloud (US-East)":    "us-gov-east-1",
		"China (Ningxia)":           "cn-northwest-1",
		"eu-central-1":              "eu-central-1",
		"EXAMPLE":                   "",
		"":                          "",
	}
	for in, want := range tests {
		if got := RegionCode(in); got != want {
			t.Errorf("RegionCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPartitionOfRegion(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "REGION": "", "": "",
	} {
		if got := PartitionOfRegion(region); got != want {
			t.Errorf("PartitionOfRegion(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestCloudTrailByApplicationAutoScaling(t *testing.T) {
	var c CloudTrail
	c.UserIdentity.InvokedBy = "application-autoscaling.amazonaws.com"
	if !c.ByApplicationAutoScaling() {
		t.Error("invokedBy not recognised")
	}
	c = CloudTrail{}
	c.UserIdentity.SessionContext.SessionIssuer.ARN = "arn:aws:iam::111122223333:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
	if !c.ByApplicationAutoScaling() {
		t.Error("service-linked role not recognised")
	}
	c = CloudTrail{}
	c.UserIdentity.ARN = "arn:aws:iam::111122223333:user/example-user"
	if c.ByApplicationAutoScaling() {
		t.Error("a user taken for Application Auto Scaling")
	}
}

// ParseTime skips RFC 3339, the first layout, for a time whose offset has no colon: RFC 3339
// must indeed fail on every such time, whatever comes before the offset.
func TestColonlessOffsetIsNotRFC3339(t *testing.T) {
	if timeLayouts[0] != time.RFC3339Nano {
		t.Fatalf("the first layout is %q, not RFC 3339", timeLayouts[0])
	}
	for _, s := range []string{
		"2019-10-02T17:04:40.989+0000", "2019-10-02T17:04:40+0000", "2019-10-02T17:04:40Z+0000",
		"2019-10-02T17:04:40+05:30-0130", "2019-10-02T17:04:40.123456789-0800", "+0000", "Z-9999",
	} {
		if !colonlessOffset(s) {
			t.Errorf("colonlessOffset(%q) = false", s)
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
			t.Errorf("RFC 3339 reads %q", s)
		}
		// Every layout, in order, as ParseTime tried them before it skipped any.
		var want time.Time
		wantOK := false
		if !isNumber(s) {
			for _, layout := range timeLayouts {
				if v, err := time.Parse(layout, s); err == nil {
					want, wantOK = v.UTC(), true
					break
				}
			}
		}
		if got, ok := ParseTime(s); !isNumber(s) && (ok != wantOK || !got.Equal(want)) {
			t.Errorf("ParseTime(%q) = %v, %v; every layout gives %v, %v", s, got, ok, want, wantOK)
		}
	}
	for _, s := range []string{"2019-10-02T17:04:40+00:00", "2019-10-02T17:04:40Z", "1570036000", "0000", "a+000b"} {
		if colonlessOffset(s) {
			t.Errorf("colonlessOffset(%q) = true", s)
		}
	}
}

// FuzzValidRegion: ValidRegion says what the expression it spells out says.
func FuzzValidRegion(f *testing.F) {
	for _, s := range []string{"", "us-east-1", "us-gov-west-1", "cn-northwest-1", "eu-west-12", "eu-west-123", "REGION",
		"us-east-", "us--east-1", "us-east--1", "use-east-1", "u-east-1", "us-1", "us-east-1a", "us-east-1-", "-us-east-1",
		"us-ea5t-1", "us-east-01", "us-east-1\n", "ab-c-0", "ab-c-d-9", "us-east-é"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidRegion(s), re.MatchString(s); got != want {
			t.Errorf("ValidRegion(%q) = %v, the expression says %v", s, got, want)
		}
	})
}

// The layouts before firstNamed write a date first, the rest a day's name: ParseTime tries
// only one group, chosen by the first byte.
func TestLayoutGroups(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, layout := range timeLayouts {
		s := at.Format(layout)
		if date := i < firstNamed; date != isDigit(s[0]) || date == isLetter(s[0]) {
			t.Errorf("layout %d (%q) writes %q: in the wrong group", i, layout, s)
		}
	}
}

// FuzzParseTime: ParseTime reads every time as trying every layout in order would, however
// few it tries.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2020-01-23T17:57:58Z", "2019-10-02T17:04:40.989+0000", "Sat, 05 Jun 2016 15:10:09 GMT",
		"Mon Jan  2 15:04:05 2006", "Monday, 02-Jan-06 15:04:05 MST", "2006-01-02 15:04:05", " 1611050827 ", "+0000", "yesterday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		trimmed := strings.TrimSpace(s)
		if trimmed == "" || isNumber(trimmed) {
			return
		}
		var want time.Time
		wantOK := false
		for _, layout := range timeLayouts {
			if v, err := time.Parse(layout, trimmed); err == nil {
				want, wantOK = v.UTC(), true
				break
			}
		}
		if got, ok := ParseTime(s); ok != wantOK || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; every layout gives %v, %v", s, got, ok, want, wantOK)
		}
	})
}
