/**
 * Every IAM policy document the project renders, found in what the product code produces rather than listed by hand:
 * the program run under mocks with configurations that together turn every feature on (each registered resource input
 * that holds a policy document), the reconciler's per-cluster role (built by the Lambda's own code from the
 * environment the program gives the function), and the deploying identity's policy as `npm run permissions` prints it.
 * A document in an input this module does not know how to classify stops the enumeration, so a new kind of document
 * cannot go untested.
 */
import { PolicyDocument } from "../common/documents";
import { readEnvironment } from "../lambda/reconciler/environment";
import { accountOfArn, desiredRoles } from "../lambda/reconciler/desired";
import { deployerPolicy } from "../components/permissions/deployerPolicy";
import { watchStatement } from "../components/events/permissions";
import { splitPolicy } from "../scripts/permissions";
import { parseConfig } from "../config";
import { policy } from "../common/documents";
import { ConfigMap, configSet } from "../config/pulumiConfigReplay";
import { PROJECT, configForProgram } from "./cliReplay";
import { ACCOUNT_ID, Fleet, ProgramRun, Registration, SECRET_KEYS, baseConfig, runProgram, unwrap } from "./harness";

/** How IAM uses a document: the caller's own policy, a permissions boundary, a role's trust policy, a resource's policy. */
export type DocumentKind = "identity" | "boundary" | "trust" | "resource";

export interface RenderedDocument {
    /** `<type> <resource name> <input>`, or the reconciler's / the permissions script's own name for it. */
    label: string;
    kind: DocumentKind;
    document: PolicyDocument;
    /** The configuration that rendered it. */
    config: string;
}

/** Which registered inputs hold a document, and of what kind ("managed": a boundary if some role names it as one). */
const DOCUMENT_INPUTS: Record<string, Record<string, DocumentKind | "managed">> = {
    "aws:iam/role:Role": { assumeRolePolicy: "trust" },
    "aws:iam/rolePolicy:RolePolicy": { policy: "identity" },
    "aws:iam/userPolicy:UserPolicy": { policy: "identity" },
    "aws:iam/policy:Policy": { policy: "managed" },
    "aws:s3/bucketPolicy:BucketPolicy": { policy: "resource" },
    "aws:sqs/queuePolicy:QueuePolicy": { policy: "resource" },
    "aws:sns/topicPolicy:TopicPolicy": { policy: "resource" },
    "aws:kms/key:Key": { policy: "resource" },
};

export const DOCUMENT_FLEET: Fleet = {
    "us-east-1": [{ name: "alpha", podIdentityAgent: true }],
    "eu-west-1": [{ name: "beta" }],
};

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Configurations that together render every document the program can. */
export const DOCUMENT_CONFIGS: Record<string, Record<string, string>> = {
    "IRSA with everything": {
        ...baseConfig(),
        includeRegions: "us-east-1,eu-west-1",
        kmsKeyId: KEY_ARN,
        lifecycleDays: "30",
        "addons.cniMetrics.enabled": "true",
        "addons.cniMetrics.alarmEmail": "ops@example.com",
        "addons.fargateInsights.enabled": "true",
        "addons.fargateInsights.alwaysInclude": "*",
        "events.createTrail": "true",
    },
    "Pod Identity with everything": {
        ...baseConfig(),
        includeRegions: "us-east-1,eu-west-1",
        identityMode: "podIdentity",
        installPodIdentityAgent: "true",
        "addons.cniMetrics.enabled": "true",
        "addons.fargateInsights.enabled": "true",
        "addons.fargateInsights.alwaysInclude": "*",
    },
    "auto identity": { ...baseConfig(), includeRegions: "us-east-1,eu-west-1", identityMode: "auto" },
    "IAM user": { ...baseConfig(), createIamUser: "true" },
};

function asDocument(value: unknown): PolicyDocument | undefined {
    const raw = unwrap(value);
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch {
            return undefined;
        }
    }
    const statement = (parsed as { Statement?: unknown } | null)?.Statement;
    return statement !== undefined ? (parsed as PolicyDocument) : undefined;
}

/** Every document in the registrations of one program run. */
export function documentsOfRun(run: ProgramRun, config: string): RenderedDocument[] {
    const boundaries = new Set(
        run
            .ofType("aws:iam/role:Role")
            .map((role) => unwrap(role.inputs.permissionsBoundary))
            .filter(Boolean),
    );
    const found: RenderedDocument[] = [];
    for (const r of run.resources) {
        for (const [input, value] of Object.entries(r.inputs)) {
            const document = asDocument(value);
            if (!document) {
                continue;
            }
            const kind = DOCUMENT_INPUTS[r.type]?.[input];
            if (!kind) {
                throw new Error(
                    `${r.type} ${r.name} renders a policy document in ${input}, which test/renderedDocuments.ts does not classify`,
                );
            }
            found.push({
                label: `${r.type} ${r.name} ${input}`,
                kind: kind === "managed" ? (boundaries.has(r.state.arn) ? "boundary" : "identity") : kind,
                document,
                config,
            });
        }
    }
    return found;
}

/** The reconciler's per-cluster role, built by the Lambda's code from the environment the program gives the function. */
export function reconcilerRoleDocuments(run: ProgramRun, config: string): RenderedDocument[] {
    const fn = run.ofType("aws:lambda/function:Function")[0] as Registration | undefined;
    if (!fn) {
        return [];
    }
    const variables = (unwrap(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    const settings = readEnvironment({ ...variables, AWS_REGION: "us-east-1" });
    const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    const cluster = {
        name: "alpha",
        region: "us-east-1",
        arn: `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/alpha`,
        status: "ACTIVE",
        oidcIssuer: issuer,
        tags: {},
        podIdentityAgent: false,
    };
    const provider = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${issuer.replace("https://", "")}`;
    const { desired } = desiredRoles([cluster], [provider], accountOfArn(provider), {
        ...settings,
        identityMode: "irsa",
    });
    return desired.flatMap((role) => [
        {
            label: `reconciler: cluster role ${role.roleName} trust`,
            kind: "trust" as const,
            document: role.trust,
            config,
        },
        {
            label: `reconciler: cluster role ${role.roleName} policy`,
            kind: "identity" as const,
            document: role.permissions,
            config,
        },
    ]);
}

export /** The config as the CLI hands it over (dotted keys set with --path, Pulumi.yaml defaults merged), then parsed. */
function parsedAsTheProgramSeesIt(config: Record<string, string>) {
    const stack = new ConfigMap();
    for (const [key, value] of Object.entries(config)) {
        configSet(stack, PROJECT, { key, value, path: key.includes("."), secret: SECRET_KEYS.includes(key) });
    }
    const received = configForProgram(stack, { validate: false }).config;
    const prefix = "container-insights:";
    const raw = Object.fromEntries(
        Object.entries(received)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    return parseConfig(raw, { awsRegion: "us-east-1", stackName: "prod" });
}

/** The deploying identity's policy as `npm run permissions` prints it: with and without --account, whole and split. */
export function deployerDocuments(configName: string, config: Record<string, string>): RenderedDocument[] {
    const parsed = parsedAsTheProgramSeesIt(config);
    const target = (accountId?: string) => ({ stackName: "prod", stackRegion: "us-east-1", accountId, config: parsed });
    return [undefined, ACCOUNT_ID].flatMap((accountId) => {
        const how = accountId ? "with --account" : "without --account";
        const whole = deployerPolicy(target(accountId));
        return [
            {
                label: `permissions: deployer policy ${how}`,
                kind: "identity" as const,
                document: whole,
                config: configName,
            },
            ...splitPolicy(whole).map((part, i) => ({
                label: `permissions: deployer policy ${how}, part ${i + 1}`,
                kind: "identity" as const,
                document: part,
                config: configName,
            })),
            {
                label: `permissions: watch statement ${how}`,
                kind: "identity" as const,
                document: policy(watchStatement(target(accountId))),
                config: configName,
            },
        ];
    });
}

let rendered: Promise<RenderedDocument[]> | undefined;

/**
 * Every document, from every configuration (the same document rendered by several appears once per configuration).
 * Four program runs, made once per process for the files that read them (none changes a document).
 */
export function renderedDocuments(): Promise<RenderedDocument[]> {
    rendered ??= render();
    return rendered;
}

async function render(): Promise<RenderedDocument[]> {
    const all: RenderedDocument[] = [];
    for (const [name, config] of Object.entries(DOCUMENT_CONFIGS)) {
        const run = await runProgram(config, {
            fleet: DOCUMENT_FLEET,
            call: (invoke) =>
                invoke.token === "aws:kms/getKey:getKey" ? { id: "k", keyId: KEY_ARN, arn: KEY_ARN } : undefined,
        });
        all.push(
            ...documentsOfRun(run, name),
            ...reconcilerRoleDocuments(run, name),
            ...deployerDocuments(name, config),
        );
    }
    return all;
}
