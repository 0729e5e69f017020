package logtail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

// TaskDefinitionDescriber is the ECS call a Fetcher makes; *ecs.Client satisfies it.
type TaskDefinitionDescriber interface {
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// LogEventsGetter is the CloudWatch Logs call a Fetcher makes; *cloudwatchlogs.Client
// satisfies it.
type LogEventsGetter interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// Outcome says how a Tail ended.
type Outcome string

const (
	Fetched  Outcome = "fetched"   // lines were read (maybe fewer than asked)
	Empty    Outcome = "empty"     // the stream exists and holds no events
	Skipped  Outcome = "skipped"   // there are no logs to read: no task, no awslogs, group not allowed
	Failed   Outcome = "failed"    // a call failed: not found, access denied, throttled, …
	TimedOut Outcome = "timed-out" // the budget, or the caller's context, ran out
)

// Result is what a Tail found. Fields are filled as far as it got: a tail that timed out
// reading the stream still names the stream and links to it.
type Result struct {
	Outcome Outcome
	// Reason is one sentence saying why there are no lines; "" when Fetched.
	Reason string
	// Err is the failed call's error, for the function's log; nil unless Failed or TimedOut.
	Err error
	// Note is Reason when it is worth saying in the alert, because the stack's settings are
	// what keeps the lines out: a container logging outside the allowed regions or log
	// groups, a read the function's IAM policy denied. "" otherwise (the container never
	// ran, the stream is empty, the budget ran out: the alert reads the same without them).
	Note string

	Container string // the container whose log this is
	LogGroup  string
	LogStream string
	Region    string // of the log group

	// Lines are the last lines of the stream, oldest first, redacted and cut to LineBytes.
	Lines []string
	// CutLines counts lines that were longer than LineBytes.
	CutLines int
	// Links lead to the stream and to a Logs Insights query over it.
	Links []alert.Link
}

// ApplyTo puts the lines and links into a, skipping links a already has. It is how the
// pipeline attaches a Result whatever its outcome.
func (r Result) ApplyTo(a *alert.Alert) {
	if len(r.Lines) > 0 {
		a.LogLines = append([]string(nil), r.Lines...)
	}
	if r.Note != "" && !slices.ContainsFunc(a.Facts, func(f alert.Fact) bool { return f.Label == NoteLabel }) {
		a.Facts = append(a.Facts, alert.Fact{Label: NoteLabel, Value: r.Note})
	}
	for _, l := range r.Links {
		if !slices.ContainsFunc(a.Links, func(have alert.Link) bool { return have.URL == l.URL }) {
			a.Links = append(a.Links, l)
		}
	}
}

// NoteLabel labels the fact that says why an alert has no log lines.
const NoteLabel = "Log lines"

// Fetcher reads log tails. It is safe for concurrent use.
type Fetcher struct {
	ecs    TaskDefinitionDescriber
	logs   LogEventsGetter
	opts   config.Logs
	shaper shaper
	defs   *defCache
}

// New returns a Fetcher using the two clients, with the document's log settings (Enabled is
// the caller's business), or every problem with them.
func New(ecsClient TaskDefinitionDescriber, logsClient LogEventsGetter, opts config.Logs) (*Fetcher, error) {
	if ecsClient == nil || logsClient == nil {
		return nil, errors.New("logtail: New needs an ECS and a CloudWatch Logs client")
	}
	redact, problems := opts.Compile()
	if len(problems) > 0 {
		return nil, invalid(problems)
	}
	opts = opts.WithDefaults()
	return &Fetcher{
		ecs:    ecsClient,
		logs:   logsClient,
		opts:   opts,
		shaper: shaper{lines: opts.Lines, lineBytes: opts.LineBytes, redactor: newRedactor(rules(redact))},
		defs:   newDefCache(opts.CacheSize),
	}, nil
}

// invalid is the error of settings with problems, one line each: "logtail: lines: …".
func invalid(problems []*config.Error) error {
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = fmt.Errorf("logtail: %w", p)
	}
	return errors.Join(errs...)
}

// Options returns the settings in force, defaults filled in.
func (f *Fetcher) Options() config.Logs { return f.opts }

// Tail reads the last log lines of the container a's failure is about. a must name a task
// (Identity.TaskID) and its task definition revision (TaskFamily, TaskRevision); its
// Reason.Containers pick the container. Tail returns within the budget (sooner if ctx ends)
// and never fails: the Result says what happened.
func (f *Fetcher) Tail(ctx context.Context, a alert.Alert) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res.Outcome, res.Reason, res.Err = Failed, "the log tail failed unexpectedly", fmt.Errorf("logtail: panic: %v", p)
			res.Lines = nil
		}
	}()

	id := a.Identity
	switch {
	case id.TaskID == "":
		return skipped("the alert names no task")
	case id.TaskFamily == "" || id.TaskRevision <= 0:
		return skipped("the alert names no task definition revision")
	case neverRan(a):
		return skipped("the task never started, so its containers wrote no logs")
	}

	budget := time.Duration(f.opts.Budget)
	bctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	td := id.TaskDefinition()
	containers, err := f.containers(bctx, id)
	if err != nil {
		res := f.failed(ctx, bctx, "ecs:DescribeTaskDefinition of "+td, err)
		if denied(err) {
			res.Note = res.Reason
		}
		return res
	}
	c, ok := pick(a.Reason.Containers, containers)
	if !ok {
		return skipped("task definition " + td + " has no containers")
	}
	res.Container = c.name
	switch {
	case c.driver == "":
		return res.skip("container " + c.name + " has no log configuration, so its logs stay on the instance")
	case c.driver != "awslogs":
		return res.skip("container " + c.name + " logs with the " + c.driver + " driver; only awslogs streams are read")
	case c.options["awslogs-group"] == "":
		return res.skip("container " + c.name + " sets no awslogs-group")
	case c.options["awslogs-stream-prefix"] == "":
		// Without a prefix the stream is named after the Docker container id, which ECS
		// events do not carry.
		return res.skip("container " + c.name + " sets no awslogs-stream-prefix, so its stream cannot be named")
	}
	res.LogGroup = c.options["awslogs-group"]
	res.LogStream = c.options["awslogs-stream-prefix"] + "/" + c.name + "/" + id.TaskID
	res.Region = c.options["awslogs-region"]
	if res.Region == "" {
		res.Region = id.Region
	}
	res.Links = links(id.Partition, res.Region, res.LogGroup, res.LogStream, a.Time)
	if !f.regionAllowed(res.Region) {
		return res.tell(fmt.Sprintf("container %s logs to %s, outside logRegions (%s): add it to logRegions, the regions the function may read logs in",
			c.name, res.Region, strings.Join(f.opts.Regions, ", ")))
	}
	if !f.allowed(res.LogGroup) {
		return res.tell(fmt.Sprintf("log group %s is outside the allowed prefixes (%s); add its prefix to logGroupPrefixes, the list the function's IAM policy is scoped by",
			res.LogGroup, strings.Join(f.opts.LogGroupPrefixes, ", ")))
	}

	in := &cloudwatchlogs.GetLogEventsInput{
		LogGroupName:  aws.String(res.LogGroup),
		LogStreamName: aws.String(res.LogStream),
		Limit:         aws.Int32(int32(f.opts.Lines)),
		StartFromHead: aws.Bool(false),
	}
	out, err := within(bctx, func() (*cloudwatchlogs.GetLogEventsOutput, error) {
		return f.logs.GetLogEvents(bctx, in, logsRegion(res.Region))
	})
	if err != nil {
		failed := f.failed(ctx, bctx, "logs:GetLogEvents of "+res.LogStream, err)
		res.Outcome, res.Reason, res.Err = failed.Outcome, failed.Reason, failed.Err
		if denied(err) {
			res.Reason = fmt.Sprintf("reading log group %s in %s was denied (%s): the function's role may read only the log groups under logGroupPrefixes in logRegions; add them, or check the role's policy",
				res.LogGroup, res.Region, errorCode(err))
			res.Note = res.Reason
		}
		return res
	}
	var messages []string
	if out != nil {
		for _, e := range out.Events {
			messages = append(messages, aws.ToString(e.Message))
		}
	}
	res.Lines, res.CutLines = f.shaper.shape(messages)
	if len(res.Lines) == 0 {
		res.Outcome, res.Reason = Empty, "log stream "+res.LogStream+" holds no lines"
		return res
	}
	res.Outcome = Fetched
	return res
}

// containers returns the containers of the alert's task definition, from the cache if it can.
func (f *Fetcher) containers(ctx context.Context, id alert.Identity) ([]container, error) {
	return f.defs.get(ctx, id.Account+"/"+id.Region+"/"+id.TaskDefinition(), func(ctx context.Context) ([]container, error) {
		return f.describe(ctx, id.TaskDefinition(), id.Region)
	})
}

// describe reads a task definition's containers.
func (f *Fetcher) describe(ctx context.Context, td, region string) ([]container, error) {
	var opts []func(*ecs.Options)
	if event.ValidRegion(region) {
		// The task may live in another region than the function (events forwarded across
		// regions); its task definition lives with it.
		opts = append(opts, func(o *ecs.Options) { o.Region = region })
	}
	out, err := f.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(td)}, opts...)
	if err != nil {
		return nil, err
	}
	if out == nil || out.TaskDefinition == nil {
		return nil, errors.New("the answer holds no task definition")
	}
	var cs []container
	for _, d := range out.TaskDefinition.ContainerDefinitions {
		c := container{name: aws.ToString(d.Name), essential: d.Essential == nil || *d.Essential}
		if lc := d.LogConfiguration; lc != nil {
			c.driver = string(lc.LogDriver)
			c.options = lc.Options
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func logsRegion(region string) func(*cloudwatchlogs.Options) {
	return func(o *cloudwatchlogs.Options) {
		// awslogs-region may name another region than the function's.
		if event.ValidRegion(region) {
			o.Region = region
		}
	}
}

// regionAllowed reports whether the log tail may read in region: one of the configured
// regions, or any when none are configured.
func (f *Fetcher) regionAllowed(region string) bool {
	return len(f.opts.Regions) == 0 || slices.Contains(f.opts.Regions, region)
}

// denied reports an AWS refusal on permissions.
func denied(err error) bool {
	switch errorCode(err) {
	case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation":
		return true
	}
	return false
}

// errorCode is an AWS error's code, "" for any other error.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// allowed reports whether group is within the configured prefixes.
func (f *Fetcher) allowed(group string) bool {
	if len(f.opts.LogGroupPrefixes) == 0 {
		return true
	}
	for _, p := range f.opts.LogGroupPrefixes {
		if strings.HasPrefix(group, p) {
			return true
		}
	}
	return false
}

// pick chooses the container the failure is about: the one that exited non-zero (an
// essential one first, and one killed by SIGTERM last, since ECS stops the others that way
// once one fails), then an essential one that exited or stopped with a reason, then any with
// a reason; with none of those (an alert without container details), the first essential
// container. Containers ECS adds itself, absent from the task definition, are passed over.
func pick(stopped []alert.Container, defs []container) (container, bool) {
	byName := make(map[string]container, len(defs))
	for _, d := range defs {
		byName[d.name] = d
	}
	best, bestRank := container{}, 99
	for _, s := range stopped {
		d, ok := byName[s.Name]
		if !ok {
			continue
		}
		if r := rank(s, d.essential); r < bestRank {
			best, bestRank = d, r
		}
	}
	if bestRank < 99 {
		return best, true
	}
	for _, d := range defs {
		if d.essential {
			return d, true
		}
	}
	if len(defs) > 0 {
		return defs[0], true
	}
	return container{}, false
}

func rank(s alert.Container, essential bool) int {
	failed := s.ExitCode != nil && *s.ExitCode != 0
	terminated := s.ExitCode != nil && *s.ExitCode == 143
	switch {
	case failed && !terminated && essential:
		return 0
	case failed && !terminated:
		return 1
	case failed && essential:
		return 2
	case failed:
		return 3
	case essential && (s.ExitCode != nil || s.Reason != ""):
		return 4
	case s.Reason != "":
		return 5
	}
	return 99
}

// neverRan reports a task that failed to start with no container having run.
func neverRan(a alert.Alert) bool {
	if a.Reason.StopCode != event.StopCodeTaskFailedToStart {
		return false
	}
	for _, c := range a.Reason.Containers {
		if c.ExitCode != nil {
			return false
		}
	}
	return true
}

// links are the console links for a stream: the stream itself, and a Logs Insights query
// over it from an hour before the alert to a little after (the last hour when the alert has
// no time).
func links(partition, region, group, stream string, at time.Time) []alert.Link {
	var out []alert.Link
	if u := console.LogStream(partition, region, group, stream); u != "" {
		out = append(out, alert.Link{Label: "Log stream", URL: u})
	}
	query := "fields @timestamp, @message\n| filter @logStream = " + strquote(stream) + "\n| sort @timestamp desc\n| limit 200"
	var from, to time.Time
	if !at.IsZero() {
		from, to = at.Add(-time.Hour), at.Add(10*time.Minute)
	}
	if u := console.LogsInsights(partition, region, group, query, from, to); u != "" {
		out = append(out, alert.Link{Label: "Logs Insights", URL: u})
	}
	return out
}

// strquote writes s as a Logs Insights string literal.
func strquote(s string) string {
	return `"` + insightsQuoter.Replace(s) + `"`
}

var insightsQuoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func skipped(reason string) Result { return Result{Outcome: Skipped, Reason: reason} }

func (r Result) skip(reason string) Result {
	r.Outcome, r.Reason = Skipped, reason
	return r
}

// tell skips for a reason the alert should say.
func (r Result) tell(reason string) Result {
	r = r.skip(reason)
	r.Note = reason
	return r
}

// failed describes a failed call: out of time (the budget's or the caller's), or an AWS error.
func (f *Fetcher) failed(parent, bctx context.Context, call string, err error) Result {
	res := Result{Outcome: Failed, Err: err}
	if bctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		res.Outcome = TimedOut
		if parent.Err() != nil {
			res.Reason = call + " was cut short: the caller ran out of time"
		} else {
			res.Reason = fmt.Sprintf("%s did not answer within the %s budget", call, time.Duration(f.opts.Budget))
		}
		return res
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		res.Reason = call + " failed: " + err.Error()
		return res
	}
	switch code := ae.ErrorCode(); code {
	case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation":
		res.Reason = call + " was denied: the function's IAM policy does not allow it"
	case "ResourceNotFoundException":
		res.Reason = call + ": " + strings.TrimSuffix(ae.ErrorMessage(), ".") + " (the container may have died before it wrote a line)"
	case "ThrottlingException", "ServiceUnavailableException", "ServerException":
		res.Reason = call + " failed: AWS answered " + code
	default:
		res.Reason = call + " failed: " + code
		if m := ae.ErrorMessage(); m != "" {
			res.Reason += ": " + strings.TrimSuffix(m, ".")
		}
	}
	return res
}

// within runs call on its own goroutine and returns its answer, or ctx's error as soon as
// ctx ends: a client that ignores its context cannot hold the alert past the budget.
func within[T any](ctx context.Context, call func() (T, error)) (T, error) {
	type answer struct {
		v   T
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		v, err := guard(call)
		ch <- answer{v, err}
	}()
	select {
	case a := <-ch:
		return a.v, a.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// guard turns a panic in call into an error: it runs on goroutines, where a panic would end
// the function and lose the whole batch.
func guard[T any](call func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("logtail: panic: %v", p)
		}
	}()
	return call()
}
