package console

import (
	"net/url"
	"strings"
	"testing"
)

func TestLinks(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"service aws", Service("aws", "us-west-2", "default", "servicetest"),
			"https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/servicetest/health?region=us-west-2"},
		{"service china", Service("aws-cn", "cn-north-1", "prod", "web"),
			"https://cn-north-1.console.amazonaws.cn/ecs/v2/clusters/prod/services/web/health?region=cn-north-1"},
		{"service govcloud", Service("aws-us-gov", "us-gov-west-1", "prod", "web"),
			"https://console.amazonaws-us-gov.com/ecs/v2/clusters/prod/services/web/health?region=us-gov-west-1"},
		{"partition from region", Service("", "cn-northwest-1", "prod", "web"),
			"https://cn-northwest-1.console.amazonaws.cn/ecs/v2/clusters/prod/services/web/health?region=cn-northwest-1"},
		{"task", Task("aws", "eu-west-1", "example-cluster", "0123456789abcdef0123456789abcdef"),
			"https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/example-cluster/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1"},
		{"deployments", Deployments("aws", "eu-west-1", "c", "s"),
			"https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/c/services/s/deployments?region=eu-west-1"},
		{"events", ServiceEvents("aws", "eu-west-1", "c", "s"),
			"https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/c/services/s/events?region=eu-west-1"},
		{"cluster", Cluster("aws", "eu-west-1", "c"),
			"https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/c/services?region=eu-west-1"},
		{"alarm", Alarm("aws", "us-east-1", "EC2 CPU Utilization Anomaly"),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/EC2%20CPU%20Utilization%20Anomaly"},
		{"alarm target tracking", Alarm("aws", "us-east-1", "TargetTracking-service/example-cluster/checkout-api-AlarmHigh-1"),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/TargetTracking-service%2Fexample-cluster%2Fcheckout-api-AlarmHigh-1"},
		{"alarm govcloud", Alarm("aws-us-gov", "us-gov-east-1", "a"),
			"https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1#alarmsV2:alarm/a"},
		{"log stream", LogStream("aws", "us-east-1", "/ecs/checkout-api", "ecs/app/0123abcd"),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fcheckout-api/log-events/ecs$252Fapp$252F0123abcd"},
		{"log stream aws-cn", LogStream("aws-cn", "cn-north-1", "/ecs/x", "s"),
			"https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/$252Fecs$252Fx/log-events/s"},
		{"ec2 instance", EC2Instance("aws", "us-west-2", "i-0abcdef1234567890"),
			"https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#InstanceDetails:instanceId=i-0abcdef1234567890"},
		{"missing ec2 instance", EC2Instance("aws", "us-west-2", ""), ""},
		{"placeholder region", Service("aws", "REGION", "c", "s"), ""},
		{"iso partition", Service("aws-iso", "us-iso-east-1", "c", "s"), ""},
		{"unknown partition", Alarm("aws-eusc", "eusc-de-east-1", "a"), ""},
		{"missing service", Service("aws", "us-east-1", "c", ""), ""},
		{"missing alarm", Alarm("aws", "us-east-1", ""), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}
}

// Names come from events: whatever they hold must stay inside its path segment or fragment.
func TestHostileNames(t *testing.T) {
	for _, name := range []string{"a/../b", "x?region=evil", "y#frag", "z&q=1", "sp ace", "<script>", "über", "%2F"} {
		for _, link := range []string{
			Service("aws", "us-east-1", name, name),
			Task("aws", "us-east-1", name, name),
			Alarm("aws", "us-east-1", name),
			EC2Instance("aws", "us-east-1", name),
			LogStream("aws", "us-east-1", name, name),
		} {
			u, err := url.Parse(link)
			if err != nil {
				t.Fatalf("%q: %v", link, err)
			}
			if u.Host != "us-east-1.console.aws.amazon.com" || u.Query().Get("region") != "us-east-1" || len(u.Query()) != 1 {
				t.Errorf("%q escaped its component: %s", name, link)
			}
			if strings.ContainsAny(u.EscapedFragment(), "?#&<> ") || strings.Contains(u.EscapedPath(), "/../") {
				t.Errorf("%q leaks into %s", name, link)
			}
		}
	}
}
