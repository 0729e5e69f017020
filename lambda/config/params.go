package config

import (
	"regexp"
	"strings"
	"sync"
)

// A document names its secrets by SSM parameter. A webhook URL or a token pasted where the
// name belongs is a secret in a place that is logged, echoed in errors and stored in plain
// text: it is refused, and never repeated.

var (
	// SSM's rule for parameter names: letters, digits, . _ - and / (at most 2048 of them).
	parameterName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.\-/]+$`) })
	// GetParameter also takes a parameter's ARN.
	parameterARN = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9_.\-/]+$`)
	})
)

// ParameterName reports whether s can name an SSM parameter: a name, or a parameter's ARN.
// A URL or a token cannot.
func ParameterName(s string) bool {
	if _, name, ok := strings.Cut(s, ":parameter/"); ok && parameterARN().MatchString(s) {
		return len(name) <= maxParameterName
	}
	return len(s) <= maxParameterName && parameterName().MatchString(s)
}

// maxParameterName is the longest name SSM takes.
const maxParameterName = 2048

// notAParameter is what Validate says of a secret parameter that is no parameter name. It does
// not show the value, which is most likely the secret itself.
const notAParameter = "is not an SSM parameter name (letters, digits, . _ - and /, or a parameter's ARN), and is not shown here in case it is a secret: put the webhook URL or token into the parameter, and the parameter's name here"

// hiddenURL stands in for a URL in an error message.
const hiddenURL = "(a URL, not shown)"

// hideURLs replaces every string argument holding a URL, so that no message Validate writes
// repeats one: a webhook URL pasted into any key of the document stays out of the logs.
func hideURLs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && strings.Contains(s, "://") {
			args[i] = hiddenURL
		}
	}
	return args
}
