import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketKey } from "../../common/documents";
import { secretNamePrefixes } from "../../common/naming";
import { agentPermissionsJson } from "./agentBoundary";

export const AGENT_USER_NAME = "nops-container-cost-s3";

export interface AgentUserArgs {
    stackName: string;
    bucketName: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    /** The platform's Data Fetcher queues, which the agents use in this mode as with their roles. */
    queueArnPattern: string;
    /** The bucket's KMS key, when it has one. */
    kms?: BucketKey;
    tags: Record<string, string>;
    /** Import the existing user as it is (its tags stay until the next `up` without adopt). */
    adopt?: boolean;
}

/**
 * The IAM-user fallback for clusters without an OIDC provider: a user with exactly an agent role's permissions (the
 * bucket, the Data Fetcher queues, the bucket's key) and an access key.
 * The key's secret lives in Secrets Manager and in Pulumi secret outputs, nowhere else.
 */
export class AgentUser extends pulumi.ComponentResource {
    readonly userName: pulumi.Output<string>;
    readonly accessKeyId: pulumi.Output<string>;
    readonly secretAccessKey: pulumi.Output<string>;
    /** Secrets Manager secret holding `{"accessKeyId", "secretAccessKey"}`. */
    readonly credentialsSecretArn: pulumi.Output<string>;

    constructor(name: string, args: AgentUserArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:AgentUser", name, {}, opts);
        const parent = { parent: this };

        const user = new aws.iam.User(
            name,
            { name: AGENT_USER_NAME, tags: args.tags },
            args.adopt
                ? {
                      ...parent,
                      import: AGENT_USER_NAME,
                      ignoreChanges: ["tags", "path", "forceDestroy", "permissionsBoundary"],
                  }
                : parent,
        );
        new aws.iam.UserPolicy(
            name,
            {
                user: user.name,
                policy: agentPermissionsJson(args),
            },
            parent,
        );
        const accessKey = new aws.iam.AccessKey(name, { user: user.name }, parent);

        const credentials = new aws.secretsmanager.Secret(
            `${name}-credentials`,
            {
                namePrefix: secretNamePrefixes(args.stackName).agentUserCredentials,
                description: `Access key of IAM user ${AGENT_USER_NAME} for the container insights agents`,
                tags: args.tags,
            },
            parent,
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-credentials`,
            {
                secretId: credentials.id,
                secretString: pulumi.secret(
                    pulumi.jsonStringify({ accessKeyId: accessKey.id, secretAccessKey: accessKey.secret }),
                ),
            },
            parent,
        );

        this.userName = user.name;
        this.accessKeyId = pulumi.secret(accessKey.id);
        this.secretAccessKey = pulumi.secret(accessKey.secret);
        this.credentialsSecretArn = credentials.arn;
        this.registerOutputs({ userName: this.userName, credentialsSecretArn: this.credentialsSecretArn });
    }
}
