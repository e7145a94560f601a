import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretNamePrefixes } from "../../common/naming";

export interface PlatformTokenArgs {
    stackName: string;
    /** The platform API token, a Pulumi secret. */
    token: pulumi.Output<string>;
    tags: Record<string, string>;
}

/** Keeps the platform API token in Secrets Manager so that the reconciler reads it at run time, never from its env. */
export class PlatformToken extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: PlatformTokenArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:secrets:PlatformToken", name, {}, opts);
        const secret = new aws.secretsmanager.Secret(
            name,
            {
                namePrefix: secretNamePrefixes(args.stackName).platformToken,
                description: "Container insights platform API token",
                recoveryWindowInDays: 7,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            name,
            { secretId: secret.id, secretString: pulumi.secret(args.token) },
            { parent: this },
        );
        this.secretArn = secret.arn;
        this.registerOutputs({ secretArn: this.secretArn });
    }
}
