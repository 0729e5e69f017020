package config

// The chat services a destination can point at: its target.
const (
	Slack      = "slack"     // Slack incoming webhook
	SlackBot   = "slack-bot" // Slack Web API with a bot token: edits and threads
	Discord    = "discord"
	Teams      = "teams" // Microsoft Teams Workflows webhook
	GoogleChat = "gchat"
	Webhook    = "webhook" // generic JSON webhook, foghorn.alert/v1, signed
)

// Targets lists every target, in the order the docs list them.
var Targets = []string{Slack, SlackBot, Discord, Teams, GoogleChat, Webhook}
