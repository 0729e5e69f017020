package config

import (
	"strings"
	"testing"
)

// TestURLAsParameterName: a webhook URL pasted where a parameter name belongs is refused,
// naming the key, and appears in no message; so is one pasted into any other key.
func TestURLAsParameterName(t *testing.T) {
	const hook = "https://hooks.slack.com/services/TFAKE/BFAKE/fake-secret-for-tests"
	const key = "fake-signing-key-for-tests-0123456789"
	tests := []struct {
		name string
		doc  string
		keys []string
	}{
		{"secretParam", `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"` + hook + `"}]}`,
			[]string{"destinations[0].secretParam"}},
		{"a token as secretParam", `{"version":1,"destinations":[{"name":"ops","target":"slack-bot","channel":"C0FAKE","secretParam":"xoxb-fake token for tests"}]}`,
			[]string{"destinations[0].secretParam"}},
		{"signingSecretParam", `{"version":1,"destinations":[{"name":"hook","target":"webhook","secretParam":"/foghorn/hook","signingSecretParam":"` + key + `+/=?"}]}`,
			[]string{"destinations[0].signingSecretParam"}},
		{"default", `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/ops"}],"default":["` + hook + `"]}`,
			[]string{"default"}},
		{"a route's destinations", `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/ops"}],"routes":[{"destinations":["` + hook + `"]}],"default":["ops"]}`,
			[]string{"routes[0].destinations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatal("the document was accepted")
			}
			var got []string
			for _, p := range Problems(err) {
				got = append(got, p.Key)
			}
			if strings.Join(got, ",") != strings.Join(tt.keys, ",") {
				t.Errorf("problems at %v, want %v: %v", got, tt.keys, err)
			}
			for _, secret := range []string{hook, "fake-secret-for-tests", key, "fake token"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error repeats %q: %v", secret, err)
				}
			}
		})
	}
}

func TestParameterName(t *testing.T) {
	for s, want := range map[string]bool{
		"/foghorn/prod/ops-slack": true,
		"foghorn.ops_slack-1":     true,
		"arn:aws:ssm:eu-west-1:111122223333:parameter/foghorn/prod/ops": true,
		"arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/x":     true,
		"": false,
		"https://hooks.slack.com/services/TFAKE/BFAKE/XXXX": false,
		"xoxb-fake-token":                          true, // a name SSM would take; CheckSecrets never sees it
		"/foghorn/prod/ops slack":                  false,
		"arn:aws:sns:eu-west-1:111122223333:topic": false,
		strings.Repeat("p", 2049):                  false,
	} {
		if got := ParameterName(s); got != want {
			t.Errorf("ParameterName(%.40q) = %v, want %v", s, got, want)
		}
	}
}
