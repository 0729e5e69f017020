// Package teams renders alerts as Adaptive Cards for Microsoft Teams Workflows webhooks (the
// "When a Teams webhook request is received" trigger that replaced Office 365 connectors) and
// posts them.
//
// The body is exactly the envelope the Workflows template loops over:
// {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
// "contentUrl":null,"content":<card>}]}. The card is Adaptive Card 1.4, full width, so it uses
// nothing Teams' Workflows bot cannot render (TextBlock style "heading" is 1.5, so the heading
// is a bold, medium, coloured TextBlock instead). Colours are Teams' semantic ones.
//
// Layout: a heading (emoji and title, coloured by severity), the why as one TextBlock per
// detail, the facts as a FactSet, the raw excerpt and the log tail as monospace TextBlocks (one
// per line: a single newline is not a line break in the card's Markdown), the small print, and
// up to five Action.OpenUrl buttons. No Action.Submit: Workflows cannot receive it.
//
// Size: Teams refuses messages over 28 KB, and has been seen refusing smaller ones when the body
// is re-encoded as UTF-16, so the whole body is kept within MaxBody (20 KB of UTF-8) by shrink,
// which drops whole elements in a fixed order and never cuts JSON.
package teams
