package console

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func TestLogsInsights(t *testing.T) {
	from := time.Date(2024, 3, 14, 8, 26, 53, 0, time.UTC)
	to := from.Add(65 * time.Minute)
	query := "fields @timestamp, @message\n| filter @logStream = \"ecs/app/0f1e\"\n| sort @timestamp desc\n| limit 100"
	tests := []struct {
		name string
		got  string
		want string
	}{
		// The form the console writes itself: "~" as $257E, "(" as $2528, "'" as $2527, and
		// value characters as *xx.
		{"absolute aws", LogsInsights("aws", "us-east-1", "/ecs/checkout-api", query, from, to),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D" +
				"$257E$2528end$257E$25272024-03-14T09*3a31*3a53.000Z$257Estart$257E$25272024-03-14T08*3a26*3a53.000Z" +
				"$257EtimeType$257E$2527ABSOLUTE$257Etz$257E$2527UTC" +
				"$257EeditorString$257E$2527fields*20*40timestamp*2c*20*40message*0a*7c*20filter*20*40logStream*20*3d*20*22ecs*2fapp*2f0f1e*22*0a*7c*20sort*20*40timestamp*20desc*0a*7c*20limit*20100" +
				"$257Esource$257E$2528$257E$2527*2fecs*2fcheckout-api$2529$2529"},
		{"relative govcloud", LogsInsights("aws-us-gov", "us-gov-west-1", "/ecs/x", "fields @message", time.Time{}, time.Time{}),
			"https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#logsV2:logs-insights$3FqueryDetail$3D" +
				"$257E$2528end$257E0$257Estart$257E-3600$257EtimeType$257E$2527RELATIVE$257Eunit$257E$2527seconds" +
				"$257EeditorString$257E$2527fields*20*40message$257Esource$257E$2528$257E$2527*2fecs*2fx$2529$2529"},
		{"relative china", LogsInsights("aws-cn", "cn-north-1", "g", "q", time.Time{}, time.Time{}),
			"https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:logs-insights$3FqueryDetail$3D" +
				"$257E$2528end$257E0$257Estart$257E-3600$257EtimeType$257E$2527RELATIVE$257Eunit$257E$2527seconds" +
				"$257EeditorString$257E$2527q$257Esource$257E$2528$257E$2527g$2529$2529"},
		{"inverted window is relative", LogsInsights("aws", "us-east-1", "g", "q", to, from),
			LogsInsights("aws", "us-east-1", "g", "q", time.Time{}, time.Time{})},
		{"no group", LogsInsights("aws", "us-east-1", "", "q", from, to), ""},
		{"no query", LogsInsights("aws", "us-east-1", "g", "", from, to), ""},
		{"iso partition", LogsInsights("aws-iso", "us-iso-east-1", "g", "q", from, to), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}
}

// Decoding the link the way the console does must give back the query and group exactly,
// whatever they hold, and nothing may leak out of the fragment.
func TestLogsInsightsRoundTrip(t *testing.T) {
	for _, tc := range []struct{ group, query string }{
		{"/ecs/checkout-api", "fields @message | filter @logStream = \"ecs/app/0f1e\""},
		{"/ecs/über#1", "filter @message like /€ 100%/ and x = '$HOME' ~ (a) ! 😀"},
		{"x?region=evil", "q&tab=logs#frag <script>"},
	} {
		link := LogsInsights("aws", "eu-west-1", tc.group, tc.query, time.Time{}, time.Time{})
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("%q: %v", link, err)
		}
		if u.Host != "eu-west-1.console.aws.amazon.com" || u.Query().Get("region") != "eu-west-1" || len(u.Query()) != 1 {
			t.Errorf("%q escaped the fragment: %s", tc.group, link)
		}
		if strings.ContainsAny(u.EscapedFragment(), "?#&<> ()'~%") {
			t.Errorf("fragment holds characters chat markup or the console would misread: %s", u.EscapedFragment())
		}
		detail, ok := strings.CutPrefix(u.EscapedFragment(), "logsV2:logs-insights$3FqueryDetail$3D")
		if !ok {
			t.Fatalf("fragment %q", u.EscapedFragment())
		}
		// Undo "%" → "$", encodeURIComponent and escape().
		once, err := url.PathUnescape(strings.ReplaceAll(detail, "$", "%"))
		if err != nil {
			t.Fatal(err)
		}
		jsurl, err := url.PathUnescape(once)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]string{}
		rest, ok := strings.CutPrefix(jsurl, "~(")
		if !ok {
			t.Fatalf("not an object: %q", jsurl)
		}
		for rest != "" && rest != ")" {
			key, after, _ := strings.Cut(rest, "~")
			var val string
			switch {
			case strings.HasPrefix(after, "'"):
				val, rest, _ = strings.Cut(after[1:], "~")
				fields[key] = decodeJSURL(t, val)
			case strings.HasPrefix(after, "(~'"):
				val, rest, _ = strings.Cut(after[3:], ")")
				fields[key] = decodeJSURL(t, val)
			default:
				val, rest, _ = strings.Cut(after, "~")
				fields[key] = val
			}
		}
		if fields["editorString"] != tc.query || fields["source"] != tc.group {
			t.Errorf("decoded %q / %q, want %q / %q", fields["editorString"], fields["source"], tc.query, tc.group)
		}
	}
}

func decodeJSURL(t *testing.T, s string) string {
	t.Helper()
	var units []uint16
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "**"):
			n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			units = append(units, uint16(n))
			i += 6
		case s[i] == '*':
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			units = append(units, uint16(n))
			i += 3
		case s[i] == '!':
			units = append(units, '$')
			i++
		default:
			units = append(units, uint16(s[i]))
			i++
		}
	}
	return string(utf16.Decode(units))
}
