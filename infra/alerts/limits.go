package alerts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/event"
)

// AWS's size limits that a config can run into, checked at preview with every name that is
// unknown until `up` at its longest, so that what preview accepts, `up` does not refuse.

// SSM parameter tiers and how much each holds. Sizes are counted in bytes of the UTF-8 text
// (never fewer than its characters).
const (
	TierStandard           = "Standard"
	TierIntelligentTiering = "Intelligent-Tiering"
	// MaxStandardParameter is the most a Standard parameter holds; it is free.
	MaxStandardParameter = 4096
	// MaxAdvancedParameter is the most an Advanced parameter holds. Intelligent-Tiering
	// stores a value as Standard while it fits and as Advanced (charged) only when it must.
	MaxAdvancedParameter = 8192
)

// parameterTier picks the tier for a value of size characters, and that tier's limit; ok is
// false past every tier.
func parameterTier(size int) (tier string, limit int, ok bool) {
	switch {
	case size <= MaxStandardParameter:
		return TierStandard, MaxStandardParameter, true
	case size <= MaxAdvancedParameter:
		return TierIntelligentTiering, MaxAdvancedParameter, true
	}
	return "", 0, false
}

// autoName is the physical name Pulumi's auto-naming gives a logical name: "-" and seven
// random characters. Its length is fixed, so it is also the longest.
func autoName(logical string) string {
	return logical + "-" + strings.Repeat("x", autoNameSuffix-1)
}

// The longest values of what a preview does not know yet: the partition, and the region when
// neither Region nor aws:region says. The longest region code today has 14 characters
// (ap-southeast-5, us-isob-east-1); two more are kept in hand for regions to come.
const (
	longestPartition = "aws-us-gov"
	longestRegion    = "xx-xxxxxxxxxx-16"
	anyAccount       = "000000000000"
)

// fillDocument writes the secret parameters' names into the document's destinations: names
// holds them in the order of secrets, each secret's then its signing secret's.
func fillDocument(d config.Document, secrets []DestinationSecrets, names []string) (config.Document, error) {
	d.Destinations = slices.Clone(d.Destinations)
	next := 0
	take := func() string {
		n := ""
		if next < len(names) {
			n = names[next]
		}
		next++
		return n
	}
	for _, s := range secrets {
		i := slices.IndexFunc(d.Destinations, func(x config.Destination) bool { return x.Name == s.Destination })
		if i < 0 {
			return d, fmt.Errorf("the document has no destination %q", s.Destination)
		}
		d.Destinations[i].SecretParam = take()
		if s.SigningSecret != nil {
			d.Destinations[i].SigningSecretParam = take()
		}
	}
	if next != len(names) {
		return d, fmt.Errorf("%d parameter names for %d secrets", len(names), next)
	}
	return d, nil
}

// encodeDocument is the document exactly as the config parameter stores it.
func encodeDocument(d config.Document) (string, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

// secretParamNames are the auto-names of the secrets' parameters, in fillDocument's order.
func secretParamNames(secrets []DestinationSecrets) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, autoName(s.SecretParam))
		if s.SigningSecret != nil {
			out = append(out, autoName(s.SigningSecretParam))
		}
	}
	return out
}

// documentSize is the size of the document as the Notifier stores it.
func documentSize(d config.Document, secrets []DestinationSecrets) (int, error) {
	d, err := fillDocument(d, secrets, secretParamNames(secrets))
	if err != nil {
		return 0, err
	}
	js, err := encodeDocument(d)
	return len(js), err
}

// checkLimits measures the config document and the role policy these (valid, defaulted) args
// make under the component name, and refuses either past AWS's limit, naming the keys that
// make it large.
func (a EcsChatAlertsArgs) checkLimits(name string) error {
	var secrets []DestinationSecrets
	for _, d := range a.destinations(name) {
		secrets = append(secrets, d.secrets)
	}
	doc := a.document()
	filled, err := fillDocument(doc, secrets, secretParamNames(secrets))
	if err != nil {
		return err
	}
	js, err := encodeDocument(filled)
	if err != nil {
		return err
	}
	if _, _, ok := parameterTier(len(js)); !ok {
		return a.documentSizeError(len(js), filled)
	}

	js, err = notifierPolicy(a.longestPolicyArgs(name, secrets, doc.Logs))
	if err != nil {
		if se, ok := err.(*policySizeError); ok {
			return se.argError()
		}
		return err
	}
	return a.checkLogMappingLimit(js)
}

// documentSizeError names the keys that make the document large, largest first.
func (a EcsChatAlertsArgs) documentSizeError(size int, d config.Document) error {
	jsonLen := func(v any) int {
		b, _ := json.Marshal(v)
		return len(b)
	}
	dests := "destinations"
	if len(a.Destinations) == 0 {
		dests = "webhookUrl"
	}
	parts := []policyPart{
		{dests, jsonLen(d.Destinations)},
		{"routes", jsonLen(d.Routes)},
		{"default", jsonLen(d.Default)},
		{"noiseRules", jsonLen(d.Noise.Rules)},
		{"logGroupPrefixes", jsonLen(d.Logs.LogGroupPrefixes)},
		{"logRedactPatterns", jsonLen(d.Logs.Redact)},
		{"logAlertServices", jsonLen(d.LogPatterns.Services)},
		{"logAlertMutedPatterns", jsonLen(d.Noise.MutedPatterns)},
	}
	slices.SortStableFunc(parts, func(a, b policyPart) int { return b.Size - a.Size })
	return &ArgError{Key: parts[0].Key, Message: fmt.Sprintf(
		"the notifier's config document would be %d characters, over the %d an SSM parameter holds (Intelligent-Tiering stores up to %d as Standard, beyond as Advanced): %s; shorten or remove some",
		size, MaxAdvancedParameter, MaxStandardParameter, describeParts(parts[:3]))}
}

func (e *policySizeError) argError() *ArgError {
	return &ArgError{Key: e.Parts[0].Key, Message: fmt.Sprintf(
		"the notifier's role policy would be %d characters, over IAM's %d for a role's inline policies, even in its most compact form: %s; list fewer (or leave serviceNames empty to watch whole clusters)",
		e.Size, MaxRolePolicy, describeParts(e.Parts))}
}

func describeParts(parts []policyPart) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprintf("%s take %d", p.Key, p.Size)
	}
	return strings.Join(s, ", ")
}

// longestPolicyArgs are the role policy's ARNs as long as they can be: each auto-named
// resource's name as auto-naming makes it, the partition and region at their longest unless
// the stack's region is known.
func (a EcsChatAlertsArgs) longestPolicyArgs(name string, secrets []DestinationSecrets, logs config.Logs) notifierPolicyArgs {
	acct := account{Partition: longestPartition, Region: longestRegion, ID: anyAccount}
	if a.Region != "" {
		acct.Partition, acct.Region = event.PartitionOfRegion(a.Region), a.Region
	}
	arn := acct.arn
	var params []string
	for _, n := range secretParamNames(secrets) {
		params = append(params, arn("ssm", "parameter/"+n))
	}
	key := a.KmsKeyArn
	if a.CreateKmsKey {
		key = arn("kms", "key/"+strings.Repeat("x", 36))
	}
	return notifierPolicyArgs{
		Account:  acct,
		QueueArn: arn("sqs", autoName(name+"-queue")),
		// The function's name has the auto-name's length (FunctionName).
		LogGroupArn:      arn("logs", "log-group:/aws/lambda/"+autoName(name)),
		ConfigParamArn:   arn("ssm", "parameter/"+autoName(name+"-config")),
		SecretParamArns:  params,
		KmsKeyArn:        key,
		StateTableArn:    arn("dynamodb", "table/"+autoName(name+"-state")),
		OpsTopicArn:      arn("sns", autoName(watchdogName(name))),
		ClusterArns:      a.ClusterArns,
		ServiceNames:     a.ServiceNames,
		LogTail:          logs.Enabled,
		LogGroupPrefixes: logs.LogGroupPrefixes,
		LogRegions:       a.LogRegions,
	}
}
