// Package sdkclient builds aws-sdk-go-v2 clients aimed at the fakes of package awsfake, for
// the tests that hold a fake to the real protocol with the SDK's own client. It is apart from
// awsfake so that what links the fakes (the terminal demo, and so the foghorn CLI) links none
// of these service packages: Go runs each one's initialisation, which builds its tables, at
// every start of a program that links it, whether a client is made or not.
package sdkclient

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Fake is an awsfake endpoint as a client needs it: where it listens, and the region,
// credentials and HTTP client its own (awsjson) clients are given. It takes no awsfake type,
// so that awsfake's own tests may use this package.
type Fake interface {
	URL() string
	Config() awsjson.Config
}

// ECS returns the SDK's ECS client for f, in the fake's region, signed with its credentials.
func ECS(f Fake, optFns ...func(*ecs.Options)) *ecs.Client {
	c := f.Config()
	return ecs.New(ecs.Options{Region: c.Region, BaseEndpoint: aws.String(f.URL()), Credentials: c.Credentials, HTTPClient: c.HTTP}, optFns...)
}

// Logs returns the SDK's CloudWatch Logs client for f, as ECS does.
func Logs(f Fake, optFns ...func(*cloudwatchlogs.Options)) *cloudwatchlogs.Client {
	c := f.Config()
	return cloudwatchlogs.New(cloudwatchlogs.Options{Region: c.Region, BaseEndpoint: aws.String(f.URL()), Credentials: c.Credentials, HTTPClient: c.HTTP}, optFns...)
}

// SNS returns the SDK's SNS client for f, as ECS does.
func SNS(f Fake, optFns ...func(*sns.Options)) *sns.Client {
	c := f.Config()
	return sns.New(sns.Options{Region: c.Region, BaseEndpoint: aws.String(f.URL()), Credentials: c.Credentials, HTTPClient: c.HTTP}, optFns...)
}

// SQS returns the SDK's SQS client for f, as ECS does.
func SQS(f Fake, optFns ...func(*sqs.Options)) *sqs.Client {
	c := f.Config()
	return sqs.New(sqs.Options{Region: c.Region, BaseEndpoint: aws.String(f.URL()), Credentials: c.Credentials, HTTPClient: c.HTTP}, optFns...)
}

// SSM returns the SDK's SSM client for f, as ECS does.
func SSM(f Fake, optFns ...func(*ssm.Options)) *ssm.Client {
	c := f.Config()
	return ssm.New(ssm.Options{Region: c.Region, BaseEndpoint: aws.String(f.URL()), Credentials: c.Credentials, HTTPClient: c.HTTP}, optFns...)
}
