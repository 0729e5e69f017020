// Package gchat renders alerts as Google Chat incoming-webhook messages and posts them, one
// thread per service.
//
// Layout: a text line (the notification: emoji, severity and summary) and one card (cardsV2):
// a header with the title and the service, a section with the why, a section of facts as
// decoratedText widgets, collapsible sections for a generic alert's raw excerpt and the dying
// container's last log lines, and a section with the small print and openLink buttons for the
// links.
//
// Threads: every message carries thread.threadKey, derived from what the alert is about (the
// account, region, cluster and service; or the alarm), and Post asks Google Chat to reply in
// that thread or start it (messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD), so one
// service's alerts stay together in a busy space. The key also goes in the older threadKey
// query parameter.
//
// Size: Google Chat refuses messages over 32,000 bytes; Render keeps the body within MaxBody by
// dropping whole lines and widgets in a fixed order (see shrink), never by cutting JSON.
package gchat
