// Package ops is the stack's ops topic as the notifier uses it: where it says, besides its
// working chat destinations, what is wrong with itself (a destination it cannot post to, a
// config document it could not use). The stack's watchdog alarms publish there too, and its
// subscribers (the ops email) are the people who can fix the stack.
package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// PublishAPI is the one SNS call the topic makes; *sns.Client satisfies it.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Topic publishes to one SNS topic.
type Topic struct {
	API PublishAPI
	ARN string
}

// SNS's limits: a subject of at most 100 printable ASCII characters on one line (email
// subscribers see it as the mail's subject), a message of at most 256 KB.
const (
	MaxSubject = 100
	MaxMessage = 256 * 1024
)

// Publish sends a message. The subject is made to follow SNS's rules rather than refused;
// the message is cut to SNS's limit.
func (t Topic) Publish(ctx context.Context, subject, message string) error {
	if t.API == nil || t.ARN == "" {
		return errors.New("ops: no topic")
	}
	if len(message) > MaxMessage {
		message = cut(message, MaxMessage)
	}
	in := &sns.PublishInput{TopicArn: aws.String(t.ARN), Message: aws.String(message)}
	if s := Subject(subject); s != "" {
		in.Subject = aws.String(s)
	}
	if _, err := t.API.Publish(ctx, in); err != nil {
		return fmt.Errorf("ops: publish to %s: %w", t.ARN, err)
	}
	return nil
}

// Subject is s as SNS takes a subject: printable ASCII on one line (anything else becomes
// "?", runs of white space one space), at most MaxSubject characters, and starting with a
// letter, digit or punctuation.
func Subject(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			space = b.Len() > 0
			continue
		case r < 0x21 || r > 0x7e:
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) > MaxSubject {
		out = strings.TrimRight(out[:MaxSubject-3], " ") + "..."
	}
	return out
}

// cut shortens s to at most n bytes on a character boundary.
func cut(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
