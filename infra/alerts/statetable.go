package alerts

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The table's layout as lambda/state.Dynamo reads it: the hash key, and the attribute
// DynamoDB's TTL reads. Written out rather than imported, so that a stack program does not
// link the notifier's DynamoDB client; statetable_test.go holds the two together.
const (
	tableKey     = "pk"
	tableExpires = "expires"
)

// StateTableArgs configures the notifier's state table.
type StateTableArgs struct {
	// PointInTimeRecovery turns on DynamoDB's continuous backups. The table holds only
	// short-lived state (open crash-loop stories, the delivery ledger), so it is off by default.
	PointInTimeRecovery bool `pulumi:"pointInTimeRecovery,optional"`
}

// StateTable is the DynamoDB table the notifier keeps crash-loop stories and its delivery
// ledger in, laid out as lambda/state.Dynamo reads it.
type StateTable struct {
	pulumi.ResourceState

	TableName pulumi.StringOutput `pulumi:"tableName"`
	TableArn  pulumi.StringOutput `pulumi:"tableArn"`
}

// NewStateTable creates the table: on demand (the load follows alert bursts, idle otherwise),
// keyed by pk alone, with DynamoDB's TTL deleting items after their expires time. Encryption
// at rest is DynamoDB's default.
func NewStateTable(ctx *pulumi.Context, name string, args StateTableArgs, opts ...pulumi.ResourceOption) (*StateTable, error) {
	s := &StateTable{}
	if err := ctx.RegisterComponentResource("foghorn:index:StateTable", name, s, opts...); err != nil {
		return nil, err
	}
	table, err := dynamodb.NewTable(ctx, name+"-state", &dynamodb.TableArgs{
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String(tableKey),
		// Only key attributes are declared; version, data, expires and writer need no schema.
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String(tableKey), Type: pulumi.String("S")},
		},
		Ttl: &dynamodb.TableTtlArgs{
			AttributeName: pulumi.String(tableExpires),
			Enabled:       pulumi.Bool(true),
		},
		PointInTimeRecovery: &dynamodb.TablePointInTimeRecoveryArgs{
			Enabled: pulumi.Bool(args.PointInTimeRecovery),
		},
	}, pulumi.Parent(s))
	if err != nil {
		return nil, err
	}
	s.TableName, s.TableArn = table.Name, table.Arn
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"tableName": s.TableName, "tableArn": s.TableArn}); err != nil {
		return nil, err
	}
	return s, nil
}
