/**
 * Seeded bucket policies for the TLS-only rule's differential test: the forms the rule must read as IAM does
 * (wildcards `*` and `?` in actions and object keys, NotAction / NotResource, the bucket and its objects in separate
 * statements, other partitions, principals other than everyone, redundant and narrowing conditions, IfExists), mixed
 * so that both verdicts come out often. Also the requests the simulator is asked about.
 */
import { anonymousPrincipal, SimulationRequestPrincipal } from "@cloud-copilot/iam-simulate";

export const BUCKET = "data";
export const ACCOUNT = "111122223333";
const ARN = `arn:aws:s3:::${BUCKET}`;

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (random: Random, p: number) => random() < p;

const PRINCIPALS: unknown[] = ["*", "*", "*", { AWS: "*" }, { AWS: ["*"] }, { AWS: `arn:aws:iam::${ACCOUNT}:root` }];
const NOT_PRINCIPALS = [{ AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }];

const ACTIONS: unknown[] = [
    "s3:*",
    "s3:*",
    "*",
    "s3:?*",
    "S3:*",
    "s3:*?",
    "s3:Get*",
    "s3:*Object*",
    ["s3:Get*", "s3:Put*", "s3:List*", "s3:Delete*"],
    "s3:GetObject",
    "s3:?etObject",
    ["s3:*Bucket*", "s3:*Object*"],
];
const NOT_ACTIONS: unknown[] = [["iam:*"], ["kms:*", "sqs:*"], "s3:GetObject", ["s3:List*"], "s3:PutBucketPolicy"];

const RESOURCES = [
    ARN,
    `${ARN}/*`,
    `${ARN}/?`,
    `${ARN}/?*`,
    `${ARN}*`,
    "arn:aws:s3:::dat?",
    "arn:aws:s3:::dat?/*",
    `${ARN}/a*`,
    `${ARN}/*/*`,
    "arn:aws-cn:s3:::data",
    "arn:aws-cn:s3:::data/*",
    "arn:*:s3:::data/*",
    "*",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::*",
];
const NOT_RESOURCES: unknown[] = [
    ["arn:aws:s3:::other", "arn:aws:s3:::other/*"],
    `${ARN}/public/*`,
    `${ARN}/?`,
    "arn:aws-cn:s3:::*",
    ARN,
];

/** The TLS part of a condition: mostly right, sometimes another spelling, sometimes wrong. */
const TLS_CONDITIONS: (Record<string, unknown> | undefined)[] = [
    { Bool: { "aws:SecureTransport": "false" } },
    { Bool: { "aws:SecureTransport": "false" } },
    { Bool: { "aws:SecureTransport": "false" } },
    { Bool: { "aws:SecureTransport": false } },
    { BoolIfExists: { "aws:SecureTransport": "false" } },
    { bool: { "aws:securetransport": ["false", "true"] } },
    { Null: { "aws:SecureTransport": "false" }, Bool: { "aws:SecureTransport": "false" } },
    { Bool: { "aws:SecureTransport": "true" } },
    { StringEquals: { "aws:SecureTransport": "false" } },
    undefined,
];

/**
 * Extra condition blocks: the first four hold for every request, the others only for some. Not here:
 * `IpAddressIfExists aws:SourceIp ["0.0.0.0/0", "::/0"]`, which holds for every request in IAM but not in the
 * simulator (tlsOnly.oracle.test.ts lists where it differs).
 */
const EXTRA_CONDITIONS: Record<string, unknown>[] = [
    { StringLikeIfExists: { "aws:UserAgent": "*" } },
    { "ForAllValues:StringLike": { "aws:TagKeys": "*" } },
    { StringLikeIfExists: { "aws:Referer": ["*"] } },
    { Null: { "aws:SecureTransport": "false" } },
    { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
    { StringLike: { "aws:UserAgent": "*" } },
    { StringNotEquals: { "aws:PrincipalAccount": ACCOUNT } },
    { Null: { "aws:UserAgent": "false" } },
    { StringEqualsIfExists: { "s3:x-amz-acl": "private" } },
    { "ForAnyValue:StringLike": { "aws:TagKeys": "*" } },
];

const AWS_CONFIG_STATEMENT = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [ARN, `${ARN}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
};

function condition(random: Random): Record<string, unknown> | undefined {
    const tls = pick(random, TLS_CONDITIONS);
    if (!chance(random, 0.35)) {
        return tls;
    }
    return { ...(tls ?? {}), ...pick(random, EXTRA_CONDITIONS) };
}

function randomStatement(random: Random): Record<string, unknown> {
    const statement: Record<string, unknown> = { Effect: "Deny" };
    if (chance(random, 0.06)) {
        statement.NotPrincipal = pick(random, NOT_PRINCIPALS);
    } else {
        statement.Principal = pick(random, PRINCIPALS);
    }
    if (chance(random, 0.2)) {
        statement.NotAction = pick(random, NOT_ACTIONS);
    } else {
        statement.Action = pick(random, ACTIONS);
    }
    if (chance(random, 0.15)) {
        statement.NotResource = pick(random, NOT_RESOURCES);
    } else {
        const count = 1 + Math.floor(random() * 2);
        statement.Resource = Array.from({ length: count }, () => pick(random, RESOURCES));
    }
    const cond = condition(random);
    if (cond) {
        statement.Condition = cond;
    }
    return statement;
}

/** The AWS Config statement with one element replaced by another form (equivalent or not). */
function mutated(random: Random): Record<string, unknown>[] {
    const statement: Record<string, unknown> = { ...AWS_CONFIG_STATEMENT };
    switch (Math.floor(random() * 4)) {
        case 0:
            delete statement.Action;
            statement[chance(random, 0.3) ? "NotAction" : "Action"] = chance(random, 0.5)
                ? pick(random, ACTIONS)
                : pick(random, NOT_ACTIONS);
            break;
        case 1:
            delete statement.Resource;
            statement[chance(random, 0.3) ? "NotResource" : "Resource"] = [
                pick(random, RESOURCES),
                pick(random, RESOURCES),
            ];
            break;
        case 2:
            statement.Condition = condition(random);
            break;
        default:
            statement.Principal = pick(random, PRINCIPALS);
    }
    return [statement];
}

/** The bucket and its objects, or two halves of the actions, in two statements (each maybe altered). */
function split(random: Random): Record<string, unknown>[] {
    const halves: [Record<string, unknown>, Record<string, unknown>] = chance(random, 0.6)
        ? [
              { ...AWS_CONFIG_STATEMENT, Resource: ARN },
              { ...AWS_CONFIG_STATEMENT, Resource: pick(random, [`${ARN}/*`, `${ARN}/*`, `${ARN}/?*`, `${ARN}/?`]) },
          ]
        : [
              { ...AWS_CONFIG_STATEMENT, Action: "s3:Get*" },
              {
                  ...AWS_CONFIG_STATEMENT,
                  Action: undefined,
                  NotAction: pick(random, ["s3:Get*", "s3:GetObject", "s3:Get?*"]),
              },
          ];
    if (chance(random, 0.3)) {
        halves[1] = { ...halves[1], Condition: condition(random) };
    }
    return halves;
}

/** The AWS Config statement with ARNs that look alike: another partition, `?` for `*`, one segment more. */
function lookalike(random: Random): Record<string, unknown>[] {
    const bucket = pick(random, [ARN, ARN, "arn:aws-cn:s3:::data", "arn:*:s3:::data", "arn:aws:s3:::dat?"]);
    const objects = pick(random, [
        `${ARN}/*`,
        `${ARN}/?`,
        `${ARN}/?*`,
        "arn:aws-cn:s3:::data/*",
        `${ARN}/*/*`,
        "arn:aws:s3:::data?*",
    ]);
    return [{ ...AWS_CONFIG_STATEMENT, Resource: [bucket, objects] }];
}

/** One seeded policy document. */
export function generatePolicy(random: Random): { Version: string; Statement: Record<string, unknown>[] } {
    const shape = random();
    const statements =
        shape < 0.25
            ? mutated(random)
            : shape < 0.45
              ? split(random)
              : shape < 0.6
                ? lookalike(random)
                : Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomStatement(random));
    if (chance(random, 0.3)) {
        statements.push({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${ARN}/*` });
    }
    return { Version: "2012-10-17", Statement: statements.map((s) => JSON.parse(JSON.stringify(s))) };
}

/**
 * Object keys, tricky ones included: `?`, colons, slashes, spaces, non-ASCII, long. No newline: the simulator's `*`
 * does not match one (its regular expressions lack the s flag), while S3 keys may hold it. No `*`: the simulator reads a
 * request ARN holding one as a pattern of resources, not as one object.
 */
export const OBJECT_KEYS = [
    "x",
    "xx",
    "a",
    "public/report.csv",
    "a/b/c",
    "?",
    "a?b",
    "a:b",
    "with space",
    "日本/キー",
    "%2F..%2F",
    "k".repeat(300),
];

export interface Requester {
    principal: SimulationRequestPrincipal;
    /** The context keys the principal implies (none for an anonymous caller). */
    context: Record<string, string>;
}

export const REQUESTERS: Requester[] = [
    { principal: anonymousPrincipal, context: {} },
    {
        principal: `arn:aws:iam::${ACCOUNT}:role/admin`,
        context: { "aws:PrincipalAccount": ACCOUNT, "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/admin` },
    },
    {
        principal: "arn:aws:iam::999988887777:role/outsider",
        context: {
            "aws:PrincipalAccount": "999988887777",
            "aws:PrincipalArn": "arn:aws:iam::999988887777:role/outsider",
        },
    },
];

/** Request contexts without TLS: nothing else, everything matching the menus, everything not matching them. */
export const CONTEXTS: Record<string, string | string[]>[] = [
    {},
    { "aws:UserAgent": "curl/8.5", "aws:SourceIp": "10.1.2.3", "s3:x-amz-acl": "private", "aws:TagKeys": ["a", "b"] },
    { "aws:UserAgent": "", "aws:SourceIp": "203.0.113.9", "s3:x-amz-acl": "public-read" },
    { "aws:SourceIp": "2001:db8::1", "aws:TagKeys": [] },
];
