import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DeadLetterAlarmArgs {
    alarmName: string;
    description: string;
    region: string;
    /** The dead-letter queue's name (the AWS/SQS metric's QueueName dimension). */
    queueName: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** Alarms as soon as one message sits in a dead-letter queue. */
export function deadLetterAlarm(
    name: string,
    args: DeadLetterAlarmArgs,
    opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            name: args.alarmName,
            alarmDescription: args.description,
            region: args.region,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: args.queueName },
            statistic: "Maximum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            tags: args.tags,
        },
        opts,
    );
}
