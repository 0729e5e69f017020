package main

import (
	"maps"
	"slices"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/sdklink"
)

// TestLinksNoSDKServiceItDoesNotCall: every command of the CLI pays at its start for the
// initialisation of each SDK service package linked. The CLI calls AWS only through
// lambda/awsjson (silences reads the state table so); what it links of the SDK's services is
// the credential providers of the SDK's configuration, which silences loads to find the
// user's credentials as the AWS CLI does (profiles, SSO, assumed roles, web identity).
func TestLinksNoSDKServiceItDoesNotCall(t *testing.T) {
	credentials := []string{"signin", "sso", "ssooidc", "sts"}
	linked := sdklink.Services(t, ".")
	for _, name := range slices.Sorted(maps.Keys(linked)) {
		if !slices.Contains(credentials, name) {
			t.Errorf("the CLI links the SDK's %s service, through %v: link it from tests only (see lambda/internal/awsfake/sdkclient)", name, linked[name])
		}
	}
	for _, name := range credentials {
		if _, ok := linked[name]; !ok {
			t.Logf("the CLI no longer links the SDK's %s service: drop it from this test's list", name)
		}
	}
}
