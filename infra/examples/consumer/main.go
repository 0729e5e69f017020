// Command consumer is a Pulumi program in another module that uses foghorn's component, as a
// platform team would in its own stack. The README's import example is this file.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/foghornhq/foghorn/infra/alerts"
)

func main() {
	pulumi.Run(program)
}

func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	chat, err := alerts.NewEcsChatAlerts(ctx, "payments-alerts", alerts.EcsChatAlertsArgs{
		// Each secret goes into an SSM SecureString parameter of its own.
		Destinations: []alerts.DestinationArgs{
			{Name: "payments-slack", Target: "slack", Secret: cfg.RequireSecret("slackWebhook")},
			{Name: "payments-teams", Target: "teams", Secret: cfg.RequireSecret("teamsWebhook")},
		},
		// Failures to both channels, everything else to Slack.
		Routes: []alerts.RouteArgs{{
			Name:         "failures",
			Match:        alerts.RouteMatchArgs{MinSeverity: "warning"},
			Destinations: []string{"payments-slack", "payments-teams"},
		}},
		Default:          []string{"payments-slack"},
		ClusterArns:      []string{cfg.Require("clusterArn")},
		ServiceNames:     []string{"payments-api", "payments-worker"},
		NoiseRules:       map[string]bool{"deployment-completed": true},
		LogTailEnabled:   true,
		LogGroupPrefixes: []string{"/ecs/payments-"},
		OpsEmail:         cfg.Get("opsEmail"),
	})
	if err != nil {
		return err
	}
	ctx.Export("alertTopicArn", chat.TopicArn)
	ctx.Export("opsTopicArn", chat.OpsTopicArn)
	return nil
}
