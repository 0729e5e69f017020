// Package sns is the Amazon SNS call the notifier makes (Publish, to the ops topic), with the
// SDK's names and shapes, signed by awsjson. SNS speaks the query protocol: a form-encoded
// POST naming Action and Version, answered in XML.
package sns

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Options changes one call: Region sends it to another region than the client's.
type Options struct{ Region string }

// Client calls SNS.
type Client struct{ c *awsjson.Client }

// New returns an SNS client.
func New(cfg awsjson.Config) *Client {
	return &Client{awsjson.New(cfg, awsjson.Service{Endpoint: "sns", EnvID: "SNS"})}
}

// PublishInput is a message for a topic.
type PublishInput struct {
	TopicArn, Message, Subject *string
}

// PublishOutput is what SNS says of it.
type PublishOutput struct{ MessageId *string }

// Publish calls Publish.
func (c *Client) Publish(ctx context.Context, in *PublishInput, optFns ...func(*Options)) (*PublishOutput, error) {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	form := url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}}
	for k, v := range map[string]*string{"TopicArn": in.TopicArn, "Message": in.Message, "Subject": in.Subject} {
		if v != nil {
			form.Set(k, *v)
		}
	}
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	status, _, body, err := c.c.Request(ctx, o.Region, "Publish", http.MethodPost, "/", header, []byte(form.Encode()))
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, &awsjson.Error{Service: "sns", Operation: "Publish", Status: status,
			Code: element(body, "Code"), Message: element(body, "Message"), Body: body}
	}
	out := &PublishOutput{}
	if id := element(body, "MessageId"); id != "" {
		out.MessageId = &id
	}
	return out, nil
}

// element is the text of the first <name> element of an XML answer: all Publish's answers
// hold (MessageId; an error's Code and Message), without an XML decoder in the binary.
func element(doc []byte, name string) string {
	s := string(doc)
	i := strings.Index(s, "<"+name+">")
	if i < 0 {
		return ""
	}
	s = s[i+len(name)+2:]
	j := strings.Index(s, "</"+name+">")
	if j < 0 {
		return ""
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&")
	return r.Replace(s[:j])
}
