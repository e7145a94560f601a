/**
 * The vendor's reconcile as FACTS.md describes it, for comparison only: regions and clusters one at a time,
 * an OIDC provider check per cluster, CreateRole falling back to UpdateAssumeRolePolicy, both inline policies put
 * unconditionally on every run, then an orphan pass that describes the cluster of every nops-ccost role.
 * It is given the same throttling back-off as ours (not our write pacing) so that the comparison is about the algorithm.
 */
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from "@aws-sdk/client-eks";
import {
    CreateRoleCommand,
    EntityAlreadyExistsException,
    IAMClient,
    ListOpenIDConnectProvidersCommand,
    ListRolesCommand,
    PutRolePolicyCommand,
    UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { agentPermissions, irsaTrust } from "../common/documents";
import { Clock, withRetry } from "../lambda/reconciler/timing";
import { ReconcilerSettings } from "../lambda/reconciler/types";

export async function vendorReconcile(
    settings: ReconcilerSettings,
    clock: Clock,
    accountId: string,
    random: () => number,
): Promise<void> {
    const iam = new IAMClient({ region: "us-east-1" });
    const send = <T>(call: () => Promise<T>) => withRetry(call, clock, { random });
    const existing = new Set<string>();
    for (const region of settings.regions) {
        const eks = new EKSClient({ region });
        let nextToken: string | undefined;
        do {
            const page = await send(() => eks.send(new ListClustersCommand({ maxResults: 100, nextToken })));
            for (const name of page.clusters ?? []) {
                existing.add(`${name}_${region}`);
                const { cluster } = await send(() => eks.send(new DescribeClusterCommand({ name })));
                const issuer = cluster!.identity!.oidc!.issuer!.replace("https://", "");
                await send(() => iam.send(new ListOpenIDConnectProvidersCommand({})));
                const roleName = `nops-ccost-${name}_${region}`;
                const trust = JSON.stringify(
                    irsaTrust({
                        oidcProviderArn: `arn:aws:iam::${accountId}:oidc-provider/${issuer}`,
                        issuerHostPath: issuer,
                        namespace: settings.namespace,
                        serviceAccount: settings.serviceAccount,
                    }),
                );
                try {
                    await send(() =>
                        iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust })),
                    );
                } catch (error) {
                    if (!(error instanceof EntityAlreadyExistsException)) {
                        throw error;
                    }
                    await send(() =>
                        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust })),
                    );
                }
                const [s3, sqs] = agentPermissions({
                    partition: "aws",
                    bucketName: settings.bucketName,
                    queueArnPattern: settings.queueArnPattern,
                }).Statement;
                for (const [policyName, statement] of [
                    ["s3", s3],
                    ["sqs", sqs],
                ] as const) {
                    const document = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
                    await send(() =>
                        iam.send(
                            new PutRolePolicyCommand({
                                RoleName: roleName,
                                PolicyName: policyName,
                                PolicyDocument: document,
                            }),
                        ),
                    );
                }
            }
            nextToken = page.nextToken;
        } while (nextToken);
    }
    let marker: string | undefined;
    do {
        const page = await send(() => iam.send(new ListRolesCommand({ Marker: marker })));
        for (const role of page.Roles ?? []) {
            if (!role.RoleName!.startsWith("nops-ccost-")) {
                continue;
            }
            const suffix = role.RoleName!.slice("nops-ccost-".length);
            const region = suffix.slice(suffix.lastIndexOf("_") + 1);
            const name = suffix.slice(0, suffix.lastIndexOf("_"));
            await send(() => new EKSClient({ region }).send(new DescribeClusterCommand({ name })));
        }
        marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
}
