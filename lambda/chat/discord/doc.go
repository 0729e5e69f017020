// Package discord renders alerts as Discord webhook messages and posts them.
//
// Layout. One embed, whose colour bar shows the severity: the title (linked to the first console
// link), a description with the why (reason, stop code, stopped reason, each container's ending),
// a generic alert's raw excerpt and the dying container's last log lines as code blocks, the
// facts as fields (inline when short), the links as masked links in one field, a footer with
// severity, region, account and what was left out, and the event time as the embed timestamp.
// The content line above the embed repeats the severity and summary, because content is what a
// phone notification shows.
//
// Every Discord limit is held by cutting with "…": 2000 for content, 256 for the title, 4096 for
// the description, 25 fields of 256/1024, 2048 for the footer, and 6000 for the whole embed,
// which the description, fields and footer share by the budget in fit. allowed_mentions is
// always {"parse": []}, so nothing in a message can ping anyone, whatever its text.
package discord
