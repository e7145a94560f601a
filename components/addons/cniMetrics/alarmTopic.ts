import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policy } from "../../../common/documents";
import { alarmNamePrefix, alarmTopicName } from "../../../common/naming";

export interface AlarmTopicArgs {
    stackName: string;
    accountId: string;
    partition: string;
    region: string;
    /** Subscribed by email (AWS mails a confirmation link first). */
    email?: string;
    tags: Record<string, string>;
}

/** The alarms of the stack in a region, as `aws:SourceArn` patterns see them. */
export function stackAlarmArnPattern(args: {
    partition: string;
    region: string;
    accountId: string;
    stackName: string;
}): string {
    return `arn:${args.partition}:cloudwatch:${args.region}:${args.accountId}:alarm:${alarmNamePrefix(args.stackName)}*`;
}

/**
 * The topic's key. CloudWatch can publish to an encrypted topic only when the key lets cloudwatch.amazonaws.com use
 * it (Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics"); the AWS managed key alias/aws/sns has a policy no one can change, so a customer managed key is needed.
 * The account keeps full control of the key (KMS's default key policy); CloudWatch may only encrypt for the stack's
 * own alarms.
 */
export function alarmKeyPolicy(args: {
    partition: string;
    region: string;
    accountId: string;
    stackName: string;
}): PolicyDocument {
    return policy(
        {
            Sid: "AccountAdministersTheKey",
            Effect: "Allow",
            Principal: { AWS: `arn:${args.partition}:iam::${args.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "CloudWatchAlarmsPublishToTheTopic",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceAccount": args.accountId },
                ArnLike: { "aws:SourceArn": stackAlarmArnPattern(args) },
            },
        },
    );
}

/** Only the stack's alarms publish; the account's IAM principals keep what their own policies give them. */
export function alarmTopicPolicy(args: {
    partition: string;
    region: string;
    accountId: string;
    stackName: string;
    topicArn: string;
}): PolicyDocument {
    return policy({
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: args.topicArn,
        Condition: {
            StringEquals: { "aws:SourceAccount": args.accountId },
            ArnLike: { "aws:SourceArn": stackAlarmArnPattern(args) },
        },
    });
}

/**
 * The stack's alarm topic in one region (a CloudWatch alarm notifies only a topic of its own region): encrypted with
 * its own customer managed key that CloudWatch may use for the stack's alarms, and the optional email subscription.
 */
export class AlarmTopic extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly topic: aws.sns.Topic;
    readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:addons:AlarmTopic", name, {}, opts);
        const scope = {
            partition: args.partition,
            region: args.region,
            accountId: args.accountId,
            stackName: args.stackName,
        };
        this.key = new aws.kms.Key(
            name,
            {
                region: args.region,
                description: `Encrypts the container insights alarm topic of stack ${args.stackName}`,
                enableKeyRotation: true,
                policy: JSON.stringify(alarmKeyPolicy(scope)),
                tags: args.tags,
            },
            { parent: this },
        );
        this.topic = new aws.sns.Topic(
            name,
            {
                region: args.region,
                name: alarmTopicName(args.stackName),
                kmsMasterKeyId: this.key.arn,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            name,
            {
                region: args.region,
                arn: this.topic.arn,
                policy: this.topic.arn.apply((topicArn) => JSON.stringify(alarmTopicPolicy({ ...scope, topicArn }))),
            },
            { parent: this },
        );
        if (args.email) {
            new aws.sns.TopicSubscription(
                name,
                { region: args.region, topic: this.topic.arn, protocol: "email", endpoint: args.email },
                { parent: this },
            );
        }
        this.topicArn = this.topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
