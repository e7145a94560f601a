/**
 * The suite's reference for IAM decisions: @cloud-copilot/iam-simulate (a third-party implementation of IAM's
 * evaluation logic, with AWS's own action, resource-type and condition-key data), behind the request shape the fake
 * account and the permission tests use. It refuses what it cannot decide faithfully instead of guessing: an invalid
 * policy, an unknown action, a resource that is no type the action takes, and a condition key the action never carries
 * (IAM would never put it in the request, so a test that sets it tests nothing).
 */
import {
    createValidatedPolicy,
    validateIdentityPolicy,
    validateResourcePolicy,
    validateTrustPolicy,
} from "@cloud-copilot/iam-policy";
import {
    EvaluationResult,
    isWildcardOnlyAction,
    runSimulation,
    runUnsafeSimulation,
} from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../common/documents";
import "./iamResourceTypes";
import "./iamConditionOperators";
import type { AuthRequest, Decision } from "./fakes/iamPolicy";

export type { AuthRequest, Decision };

/** The policies that decide one request. */
export interface PolicySet {
    /** The caller's identity-based policies (inline and managed, as many as attached). */
    identity: PolicyDocument | PolicyDocument[];
    /** The caller's permissions boundary. */
    boundary?: PolicyDocument;
    /** The resource's policy (bucket, queue, topic, key policy, a role's trust policy). */
    resource?: PolicyDocument;
    /** Which validator the resource policy must pass: a trust policy or another resource policy. */
    resourceKind?: "trust" | "resource";
}

export interface SimulateOptions {
    /** The caller's ARN; a role in the test account by default. */
    principal?: string;
    /** The resource's account when its ARN has none (S3); the caller's by default. */
    resourceAccount?: string;
    /**
     * Gives iam-simulate every statement of the identity documents, not only those that can name the request's
     * service (forService): for checking that the two decide alike (test/iamSimulator.test.ts).
     */
    everyStatement?: boolean;
}

export const TEST_PRINCIPAL = "arn:aws:iam::111122223333:role/deployer";

const RESULTS: Record<EvaluationResult, Decision> = {
    Allowed: "Allow",
    ExplicitlyDenied: "ExplicitDeny",
    ImplicitlyDenied: "ImplicitDeny",
};

type Validator = (policy: unknown) => unknown[];
const validated = new WeakMap<object, Map<Validator, unknown>>();

/** Validates a document once per validator (the simulator reuses the result): the suite evaluates the same few many times. */
function prepared(document: PolicyDocument, validator: Validator, name: string): unknown {
    let byValidator = validated.get(document);
    if (!byValidator) {
        byValidator = new Map();
        validated.set(document, byValidator);
    }
    if (!byValidator.has(validator)) {
        byValidator.set(validator, createValidatedPolicy(document, validator as never, { name }));
    }
    return byValidator.get(validator);
}

function accountOf(arn: string): string | undefined {
    const account = arn.split(":")[4];
    return account && /^[0-9]{12}$/.test(account) ? account : undefined;
}

/**
 * The request context as IAM builds it for a signed request: aws:PrincipalArn, aws:PrincipalAccount,
 * aws:ResourceAccount and, for a regional resource, aws:RequestedRegion are always there (IAM User Guide, global
 * condition keys), then the request's own keys; a key set to undefined is absent.
 */
function contextOf(
    request: AuthRequest,
    principal: string,
    resourceAccount: string | undefined,
): Record<string, string | string[]> {
    const region = request.resource.split(":")[3];
    const context: Record<string, string | string[]> = {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": accountOf(principal) ?? "",
        ...(resourceAccount ? { "aws:ResourceAccount": resourceAccount } : {}),
        ...(region && region !== "*" ? { "aws:RequestedRegion": region } : {}),
    };
    for (const [key, value] of Object.entries(request.context)) {
        if (value === undefined) {
            delete context[key];
        } else {
            context[key] = value;
        }
    }
    return context;
}

/** IAM's decision on one request under these policies; throws where the request is not one IAM would see. */
export async function simulate(
    policies: PolicySet,
    request: AuthRequest,
    options: SimulateOptions = {},
): Promise<Decision> {
    const outcome = await run(policies, request, options, false);
    if (outcome === "NotApplicable") {
        throw new Error(`${request.action} takes no resource like ${request.resource}`);
    }
    return outcome;
}

/**
 * For requests generated from what the program registers, with every key and ARN that might apply: as IAM builds the
 * request, a context key the action never carries is left out, an action without resource-level permissions is
 * authorized on "*", and an ARN of a type the action does not take is "NotApplicable".
 */
export function simulateGenerated(
    policies: PolicySet,
    request: AuthRequest,
    options: SimulateOptions = {},
): Promise<Decision | "NotApplicable"> {
    return run(policies, request, options, true);
}

/** A number per policy document (or list of them) seen, for keying decisions by the documents' identity. */
const documentIds = new WeakMap<object, number>();
let documentsSeen = 0;
function documentId(document: object | undefined): number {
    if (document === undefined) {
        return 0;
    }
    if (!documentIds.has(document)) {
        documentIds.set(document, ++documentsSeen);
    }
    return documentIds.get(document)!;
}

/** Each valid identity document's statements that can apply to a service's actions, by service. */
const byService = new WeakMap<PolicyDocument, Map<string, PolicyDocument>>();

/**
 * The statements of a valid identity document that can apply to an action of `service`: those with an action of that
 * service or "*", or no Action element (NotAction). iam-simulate weighs every statement in full (resources,
 * conditions) for every request, and a statement none of whose actions is the request's contributes nothing to the
 * decision; the deployer's policy has dozens of statements over a dozen services. In a valid document an action is "*"
 * or names its service without a wildcard (iam-policy's validator); an invalid document is passed whole, so
 * iam-simulate reports it as before. test/iamSimulator.test.ts checks that the decisions are the same.
 */
export function forService(document: PolicyDocument, service: string): PolicyDocument {
    const whole = prepared(document, validateIdentityPolicy, "identity") as { errors: unknown[] };
    if (whole.errors.length > 0) {
        return document;
    }
    let cached = byService.get(document);
    if (!cached) {
        cached = new Map();
        byService.set(document, cached);
    }
    let relevant = cached.get(service);
    if (!relevant) {
        const all = [document.Statement].flat(); // IAM takes a single statement as an object too
        const statements = all.filter((statement) => mayApplyTo(statement, service.toLowerCase()));
        relevant = statements.length === all.length ? document : { ...document, Statement: statements };
        cached.set(service, relevant);
    }
    return relevant;
}

/** Whether one of the statement's actions can be an action of this service (lower case); IAM ignores the case. */
function mayApplyTo(statement: PolicyDocument["Statement"][number], service: string): boolean {
    if (!("Action" in statement)) {
        return true;
    }
    return [statement.Action].flat().some((action) => action === "*" || action.split(":")[0].toLowerCase() === service);
}

/**
 * Decisions already made in this process. A decision is a pure function of the policies and the request, and the
 * suite asks the same ones many times (each permission test re-reads the same deploy); documents are keyed by identity,
 * as `prepared` already assumes a document is not changed once simulated.
 */
const decisions = new Map<string, Promise<Decision | "NotApplicable">>();

function run(
    policies: PolicySet,
    request: AuthRequest,
    options: SimulateOptions,
    generated: boolean,
): Promise<Decision | "NotApplicable"> {
    const key = JSON.stringify([
        documentId(policies.identity),
        documentId(policies.boundary),
        documentId(policies.resource),
        policies.resourceKind,
        request.action,
        request.resource,
        request.context,
        options,
        generated,
    ]);
    let decision = decisions.get(key);
    if (!decision) {
        decision = decide(policies, request, options, generated);
        decisions.set(key, decision);
    }
    return decision;
}

async function decide(
    policies: PolicySet,
    request: AuthRequest,
    options: SimulateOptions,
    generated: boolean,
): Promise<Decision | "NotApplicable"> {
    const principal = options.principal ?? TEST_PRINCIPAL;
    if (request.action === "sts:AssumeRoleWithWebIdentity") {
        return webIdentity(policies, request, principal);
    }
    const [service, action] = request.action.split(":");
    const resource = generated && (await isWildcardOnlyAction(service, action)) ? "*" : request.resource;
    const identity = (Array.isArray(policies.identity) ? policies.identity : [policies.identity])
        .map((document) => (options.everyStatement ? document : forService(document, service)))
        .filter((document) => document.Statement.length > 0);
    const resourceAccount =
        resource === "*"
            ? accountOf(principal)
            : (accountOf(resource) ?? options.resourceAccount ?? accountOf(principal));
    const resourceValidator = policies.resourceKind === "trust" ? validateTrustPolicy : validateResourcePolicy;
    const result = await runSimulation(
        {
            request: {
                principal,
                action: request.action,
                resource: { resource, accountId: resourceAccount ?? "" },
                contextVariables: contextOf(request, principal, resourceAccount),
            },
            identityPolicies: identity.map((document, i) => ({
                name: `identity-${i + 1}`,
                policy: prepared(document, validateIdentityPolicy, `identity-${i + 1}`),
            })),
            permissionBoundaryPolicies: policies.boundary
                ? [{ name: "boundary", policy: prepared(policies.boundary, validateIdentityPolicy, "boundary") }]
                : undefined,
            resourcePolicy: policies.resource ? prepared(policies.resource, resourceValidator, "resource") : undefined,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    const what = `${request.action} on ${resource}`;
    if (result.resultType === "error") {
        if (generated && result.errors.message === "no.resource.types") {
            return "NotApplicable";
        }
        throw new Error(`iam-simulate cannot decide ${what}: ${JSON.stringify(result.errors)}`);
    }
    const ignored =
        result.resultType === "single"
            ? (result.result.ignoredContextKeys ?? [])
            : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    if (ignored.length > 0 && !generated) {
        throw new Error(
            `${what}: IAM never puts ${[...new Set(ignored)].join(", ")} in this request's context (iam-simulate's action data)`,
        );
    }
    return RESULTS[result.overallResult];
}

/** simulate() with only identity-based policies, the fake evaluator's shape. */
export function simulateIdentity(
    document: PolicyDocument,
    request: AuthRequest,
    options?: SimulateOptions,
): Promise<Decision> {
    return simulate({ identity: document }, request, options);
}

/**
 * A web identity assuming a role. iam-simulate's action data has no keys for an EKS cluster's OIDC provider
 * (`<issuer>:sub`, `<issuer>:aud`) and would drop them from the request, so this one runs without its context-key
 * filter (runUnsafeSimulation), on a trust policy validated here first.
 */
function webIdentity(policies: PolicySet, request: AuthRequest, principal: string): Decision {
    const trust = policies.resource;
    if (!trust || policies.resourceKind !== "trust") {
        throw new Error(
            "a web identity assumes a role through its trust policy: give it as the resource policy, kind trust",
        );
    }
    const errors = validateTrustPolicy(trust);
    if (errors.length > 0) {
        throw new Error(`not a valid trust policy: ${JSON.stringify(errors)}`);
    }
    const account = accountOf(request.resource);
    const result = runUnsafeSimulation(
        {
            request: {
                principal,
                action: request.action,
                resource: { resource: request.resource, accountId: account ?? "" },
                contextVariables: Object.fromEntries(
                    Object.entries(request.context).filter(
                        (entry): entry is [string, string | string[]] => entry[1] !== undefined,
                    ),
                ),
            },
            identityPolicies: [],
            resourcePolicy: prepared(trust, validateTrustPolicy, "trust"),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    return RESULTS[result];
}
