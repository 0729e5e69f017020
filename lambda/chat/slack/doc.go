// Package slack renders alerts for Slack and posts them through incoming webhooks.
//
// Layout. Blocks have no colour bar, and a colour bar is what makes severity visible at a
// glance in a busy channel, so the message is a top-level text (the notification and
// accessibility fallback: emoji and summary) plus one legacy attachment that carries the colour
// and all the blocks. The bar then runs along the whole alert. The alternative, blocks at the
// top level and an extra attachment holding only the colour, draws a short bar under the message,
// detached from it. Slack calls attachments legacy but still renders them; Alertmanager relies
// on the same.
//
// Inside the attachment: a header (emoji and title), a section with the why (reason, stop code,
// stopped reason, each container's exit code and reason), sections of fields for the facts,
// code blocks for a generic alert's excerpt and the dying container's last log lines, URL
// buttons for the links, and a context line with severity, region, account and time.
//
// Every Slack limit is held by cutting with "…", never by failing, and every untrusted string
// is cleaned and, in mrkdwn, escaped (see text.go).
package slack
