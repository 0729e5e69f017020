// Package logtail reads the last log lines of a stopped task's failing container, for the
// alert that says it died: the line with "missing required env DATABASE_URL" is usually the
// whole diagnosis.
//
// For an alert naming a task and its task definition revision, a Fetcher reads the task
// definition (ecs:DescribeTaskDefinition, cached), picks the container the failure is about,
// derives its awslogs stream (<awslogs-stream-prefix>/<container>/<task id>) and reads the
// stream's tail (logs:GetLogEvents from the end). Lines are stripped of control characters
// and terminal escapes, redacted (see Redactor) and cut to a byte length; the stream and a
// Logs Insights query come back as console links.
//
// All of it runs within a strict time budget. Whatever goes wrong (the budget runs out, a
// call fails, the container logs some other way, its group is outside the allowed prefixes),
// Tail returns promptly with what it has and a sentence saying why: the alert goes out
// without logs rather than late or not at all.
package logtail
