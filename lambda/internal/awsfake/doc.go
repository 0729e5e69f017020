// Package awsfake fakes the AWS APIs the notifier reads besides its state table: the two the
// log tail calls, ECS DescribeTaskDefinition and CloudWatch Logs GetLogEvents, ECS
// DescribeServices, which the deployments lookup calls, ECS ListServiceDeployments and
// DescribeServiceDeployments, which the deployment post-mortem calls, ECS DescribeTasks, which
// places a log stream on its service, ECS ContinueServiceDeployment and StopServiceDeployment,
// which the chat actions call, SQS SendMessage, which the log intake calls, SNS Publish,
// with which the notifier tells the ops topic what is wrong with it, and SSM GetParameter,
// from which the functions read their configuration and secrets. They are local HTTP
// servers that speak the real protocol (awsJson1_1, or awsJson1_0 for SQS: a POST to / with
// X-Amz-Target, a SigV4-signed JSON body, errors named by __type; for SNS the query protocol:
// a SigV4-signed form POST answered in XML), so real aws-sdk-go-v2 clients can be pointed at
// them (package sdkclient builds them; this package links no SDK service, since the terminal
// demo, and so the foghorn CLI, links it). Tests, the terminal demo and the end-to-end
// pipeline tests share them.
//
// Each fake checks what a real endpoint would and also what the service cannot see but we
// care about (the SigV4 scope names the right service): a request it would reject is answered
// as AWS answers it and recorded in Problems, so a test asserts Problems is empty. Error
// answers are scripted per resource (Fail, Deny); latency and requests held until the client
// gives up, per endpoint (SetDelay, Hold). The fakes are safe for concurrent use.
package awsfake
