// Package chatfake is a fake of the chat services foghorn posts to, for tests and for the
// terminal demo. It listens on 127.0.0.1, answers as the real services do (same URL shapes,
// same validation, same error strings), records every request, and can be scripted to
// misbehave: any status or body, rate limits with every shape of Retry-After, dead
// destinations, latency, connection resets and truncated answers.
//
// Endpoints: the Slack incoming webhook (slackwebhook.go), Slack's Web API chat.postMessage
// and chat.update (slackapi.go), Discord webhooks (discord.go), Teams Workflows (teams.go),
// Google Chat webhooks (gchat.go) and the generic signed webhook (genericwebhook.go). Each lives in
// its own file and registers itself from init, so a new one needs no change here.
//
// A request goes through the same steps whatever the endpoint: scripted faults first (they
// stand for the network and the service misbehaving), then the destination's state (a revoked
// or archived webhook answers as the real one does, for good), then the rate limiter (off by
// default), then the endpoint's own validation.
//
// The control API lives under /_fake/ (see control.go); its Go equivalents are the methods
// of Server.
package chatfake
