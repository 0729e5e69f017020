// Package console builds AWS Management Console deep links for the things an alert is about:
// an ECS service, task or its deployments, a CloudWatch alarm, a log stream, a Logs Insights
// query. Links are right for the aws, aws-cn and aws-us-gov partitions; for partitions without
// a public console, or when the region is not a region code, every function returns "". Every
// path and fragment component is escaped, because cluster, service and alarm names come from
// events.
package console

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/foghornhq/foghorn/lambda/event"
)

// Host returns the console origin for a partition and region:
//
//	aws         https://<region>.console.aws.amazon.com
//	aws-cn      https://<region>.console.amazonaws.cn
//	aws-us-gov  https://console.amazonaws-us-gov.com
//
// An empty partition is taken from the region.
func Host(partition, region string) string {
	scheme, name, domain := hostParts(partition, region)
	return scheme + name + domain
}

// hostParts is Host in the three parts it is made of, so that a link can be written with
// its host in one piece rather than the host made first and copied.
func hostParts(partition, region string) (scheme, name, domain string) {
	if !event.ValidRegion(region) {
		return "", "", ""
	}
	if partition == "" {
		partition = event.PartitionOfRegion(region)
	}
	switch partition {
	case "aws":
		return "https://", region, ".console.aws.amazon.com"
	case "aws-cn":
		return "https://", region, ".console.amazonaws.cn"
	case "aws-us-gov":
		return "https://console.amazonaws-us-gov.com", "", ""
	}
	return "", "", ""
}

// Service links to an ECS service's health page.
func Service(partition, region, cluster, service string) string {
	return ecs(partition, region, "clusters", cluster, "services", service, "health")
}

// ServiceEvents links to an ECS service's events (the scheduler's own messages).
func ServiceEvents(partition, region, cluster, service string) string {
	return ecs(partition, region, "clusters", cluster, "services", service, "events")
}

// Deployments links to an ECS service's deployments page. The console names deployments by its
// own service-deployment id, not the ecs-svc/<id> of events, so this is the list.
func Deployments(partition, region, cluster, service string) string {
	return ecs(partition, region, "clusters", cluster, "services", service, "deployments")
}

// Task links to an ECS task's configuration page (containers, exit codes, stopped reason).
func Task(partition, region, cluster, taskID string) string {
	return ecs(partition, region, "clusters", cluster, "tasks", taskID, "configuration")
}

// Cluster links to an ECS cluster's services.
func Cluster(partition, region, cluster string) string {
	return ecs(partition, region, "clusters", cluster, "services")
}

// EC2Instance links to an EC2 instance's details (a container instance's host).
func EC2Instance(partition, region, instanceID string) string {
	scheme, host, domain := hostParts(partition, region)
	if scheme == "" || instanceID == "" {
		return ""
	}
	return scheme + host + domain + "/ec2/home?region=" + url.QueryEscape(region) + "#InstanceDetails:instanceId=" + url.QueryEscape(instanceID)
}

// ecs joins path segments under /ecs/v2/, escaping each; any empty segment means no link.
func ecs(partition, region string, segments ...string) string {
	scheme, name, domain := hostParts(partition, region)
	if scheme == "" {
		return ""
	}
	// Every alert carries a few of these links: size the builder once (escaping may still
	// grow it, but names seldom need any).
	size := len(scheme) + len(name) + len(domain) + len("/ecs/v2?region=") + len(region)
	for _, s := range segments {
		if s == "" {
			return ""
		}
		size += 1 + len(s)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(scheme)
	b.WriteString(name)
	b.WriteString(domain)
	b.WriteString("/ecs/v2")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	b.WriteString("?region=")
	b.WriteString(url.QueryEscape(region))
	return b.String()
}

// Alarm links to a CloudWatch alarm.
func Alarm(partition, region, name string) string {
	scheme, host, domain := hostParts(partition, region)
	if scheme == "" || name == "" {
		return ""
	}
	return scheme + host + domain + "/cloudwatch/home?region=" + url.QueryEscape(region) + "#alarmsV2:alarm/" + component(name)
}

// LogStream links to a CloudWatch Logs log stream. The Logs console reads its fragment
// percent-encoded twice with "%" written as "$" ("/" becomes "$252F"), which is how it writes
// its own links.
func LogStream(partition, region, group, stream string) string {
	host := Host(partition, region)
	if host == "" || group == "" || stream == "" {
		return ""
	}
	return host + "/cloudwatch/home?region=" + url.QueryEscape(region) +
		"#logsV2:log-groups/log-group/" + logsComponent(group) + "/log-events/" + logsComponent(stream)
}

// LogsInsights links to a CloudWatch Logs Insights query over one log group, for the time
// between from and to when both are set (an alert's moment, so the link still shows the crash
// when opened days later), else for the last hour.
//
// The console keeps the query in the fragment as a JSURL object, ~(key~value~…), in which
// strings start with ' and write every character outside [A-Za-z0-9_.-] as *xx (**xxxx beyond
// U+00FF); it then applies JavaScript's escape(), encodeURIComponent and "%" → "$", which is
// how its own links read ("~" becomes "$257E", "/" in a value "*2f"). That form holds no quote,
// tilde or parenthesis, so chat markup that ends a link at ")" cannot cut it short.
func LogsInsights(partition, region, group, query string, from, to time.Time) string {
	host := Host(partition, region)
	if host == "" || group == "" || query == "" {
		return ""
	}
	var d strings.Builder
	d.WriteString("~(")
	if !from.IsZero() && to.After(from) {
		const iso = "2006-01-02T15:04:05.000Z"
		d.WriteString("end~'" + jsurlString(to.UTC().Format(iso)))
		d.WriteString("~start~'" + jsurlString(from.UTC().Format(iso)))
		d.WriteString("~timeType~'ABSOLUTE~tz~'UTC")
	} else {
		d.WriteString("end~0~start~-3600~timeType~'RELATIVE~unit~'seconds")
	}
	d.WriteString("~editorString~'" + jsurlString(query))
	d.WriteString("~source~(~'" + jsurlString(group) + "))")
	// The JSURL text holds only [A-Za-z0-9_.*-] and the five characters below, so escape() is
	// these five replacements and encodeURIComponent then only turns "%" into "%25" ("$25").
	return host + "/cloudwatch/home?region=" + url.QueryEscape(region) +
		"#logsV2:logs-insights$3FqueryDetail$3D" + insightsEscaper.Replace(d.String())
}

var insightsEscaper = strings.NewReplacer("~", "$257E", "(", "$2528", ")", "$2529", "'", "$2527", "!", "$2521")

// jsurlString writes s as a JSURL string value (without its leading quote): [A-Za-z0-9_.-]
// as is, "$" as "!", other UTF-16 code units as *xx or **xxxx in lower-case hex.
func jsurlString(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case 'a' <= u && u <= 'z' || 'A' <= u && u <= 'Z' || '0' <= u && u <= '9' || u == '-' || u == '_' || u == '.':
			b.WriteByte(byte(u))
		case u == '$':
			b.WriteByte('!')
		case u < 0x100:
			b.WriteString("*" + string(hex[u>>4]) + string(hex[u&15]))
		default:
			b.WriteString("**" + string(hex[u>>12]) + string(hex[u>>8&15]) + string(hex[u>>4&15]) + string(hex[u&15]))
		}
	}
	return b.String()
}

func logsComponent(s string) string {
	return strings.ReplaceAll(component(component(s)), "%", "$")
}

// component percent-encodes everything but RFC 3986's unreserved characters, like JavaScript's
// encodeURIComponent but stricter: a name can then never close the fragment or add a query.
func component(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
