/** The IAM documents of Container Insights for EKS Fargate, as plain data. */
import { PolicyDocument, policy } from "../../../common/documents";
import { performanceLogGroupName } from "./naming";

/** AWS's managed policy for the Fargate pod execution role (pulling images, registering the Fargate kubelet). */
export const FARGATE_POD_EXECUTION_POLICY = "AmazonEKSFargatePodExecutionRolePolicy";

export const fargatePodExecutionPolicyArn = (partition: string) =>
    `arn:${partition}:iam::aws:policy/${FARGATE_POD_EXECUTION_POLICY}`;

/** What the awsemf exporter calls (contrib 0.156 internal/aws/cwlogs): PutLogEvents, then CreateLogStream on a new pod's stream. */
export const COLLECTOR_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];

interface ClusterScope {
    partition: string;
    accountId: string;
    region: string;
    clusterName: string;
}

/**
 * Trust of the pod execution role: the Fargate pods service, only for this cluster's Fargate profiles (aws:SourceArn,
 * against the confused deputy; EKS User Guide, "Amazon EKS Pod execution IAM role").
 */
export function fargatePodExecutionTrust(scope: ClusterScope): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { Service: "eks-fargate-pods.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
            ArnLike: {
                "aws:SourceArn": `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:fargateprofile/${scope.clusterName}/*`,
            },
        },
    });
}

export function logGroupArn(scope: Omit<ClusterScope, "clusterName">, logGroupName: string): string {
    return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}`;
}

/**
 * The collector's permissions: write its EMF events to the cluster's performance log group, and nothing else. No
 * CreateLogGroup (the program creates the group with its retention) and no PutRetentionPolicy (the exporter sets a
 * retention only on a group it created).
 */
export function collectorLogsPolicy(scope: Omit<ClusterScope, "clusterName">, logGroupName: string): PolicyDocument {
    const group = logGroupArn(scope, logGroupName);
    return policy({
        Sid: "PerformanceLogEvents",
        Effect: "Allow",
        Action: COLLECTOR_LOG_ACTIONS,
        // The group and what is under it (its streams: log-group:<name>:log-stream:<pod>), written both ways as IAM
        // matches CloudWatch Logs ARNs with and without the trailing `:*`.
        Resource: [group, `${group}:*`],
    });
}

/**
 * The ceiling of every collector role of the stack (its permissions boundary): the collector's actions on any
 * cluster's performance log group of the account, so a widened inline policy grants nothing else.
 */
export function collectorBoundaryPolicy(account: { partition: string; accountId: string }): PolicyDocument {
    const groups = `arn:${account.partition}:logs:*:${account.accountId}:log-group:${performanceLogGroupName("*")}`;
    return policy({
        Sid: "PerformanceLogEvents",
        Effect: "Allow",
        Action: COLLECTOR_LOG_ACTIONS,
        Resource: [groups, `${groups}:*`],
    });
}
