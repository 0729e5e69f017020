package main

import (
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/sdklink"
)

// TestLinksNoSDKService: the bootstrap's cold start is package initialisation first, and each
// SDK service package linked adds its tables to it (SSM 9 ms, ECS 5). The function calls AWS
// through lambda/awsjson alone, with the SDK's signer.
func TestLinksNoSDKService(t *testing.T) {
	for name, by := range sdklink.Services(t, ".", "lambda.norpc") {
		t.Errorf("the bootstrap links the SDK's %s service, through %v: call it through lambda/awsjson", name, by)
	}
}
