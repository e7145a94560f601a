/**
 * An in-memory AWS account that answers EKS, IAM, STS, Secrets Manager, S3, EventBridge, SQS and CloudWatch Logs the
 * way AWS does: paginated lists, URL-encoded policy documents, case-insensitive role names, IAM's size limits and its
 * real error names. Optional per-call latency and an IAM write-rate limit (on an injectable clock) make it a benchmark
 * account too. Roles carry permissions boundaries as IAM stores them (GetRole returns one, ListRoles never does). With
 * `identity` set, every call is authorized against that identity-based policy as IAM does it: each service builds its
 * calls' requests (resource, `iam:PermissionsBoundary`, `aws:TagKeys`, tags...) and iam-simulate decides them
 * (test/iamSimulator.ts), so a test shows what a role's real policy allows and refuses.
 *
 * This file is the shared core: the call pipeline (record, latency, faults, the write quota, authorization, dispatch).
 * The state and the ways a test builds it are account/state.ts; each service's operations are account/<service>.ts.
 */
import { Clock } from "../../lambda/reconciler/timing";
import { AuthRequest } from "./iamPolicy";
import { ACCESS_DENIED, awsError } from "./account/errors";
import { AccountState } from "./account/state";
import { Operation, ServiceSpec } from "./account/service";
import { EKS } from "./account/eks";
import { EVENTS } from "./account/events";
import { IAM_ROLES, IAM_WRITES } from "./account/iamRoles";
import { IAM_USERS } from "./account/iamUsers";
import { LOGS } from "./account/logs";
import { S3 } from "./account/s3";
import { SECRETS_MANAGER } from "./account/secretsManager";
import { SQS } from "./account/sqs";
import { STS } from "./account/sts";

export { ErrorName, awsError } from "./account/errors";
export { IAM_WRITES } from "./account/iamRoles";
export {
    Fault,
    FakeAssociation,
    FakeBucketConfig,
    FakeRole,
    FakeUser,
    RecordedCall,
    fakeStateBucketName,
} from "./account/state";

const SERVICES: readonly ServiceSpec[] = [STS, EKS, IAM_ROLES, IAM_USERS, S3, EVENTS, SQS, SECRETS_MANAGER, LOGS];

/** Each operation's service and handler. */
const OPERATIONS = new Map<string, { spec: ServiceSpec; operation: Operation }>(
    SERVICES.flatMap((spec) =>
        Object.entries(spec.operations).map(([name, operation]) => [name, { spec, operation }] as const),
    ),
);

/** The operations that write: paced by writeLatencyMs and counted in acceptedWrites. */
const WRITES: ReadonlySet<string> = new Set(SERVICES.flatMap((spec) => spec.writes ?? []));

/** The signing name of the service an operation belongs to (iam, eks, s3...). */
export function serviceOf(operation: string): string {
    return OPERATIONS.get(operation)!.spec.service;
}

export interface FakeAccountOptions {
    accountId?: string;
    clock?: Clock;
    readLatencyMs?: number;
    writeLatencyMs?: number;
    /** IAM writes per second the account accepts; more are answered with Throttling. Unlimited when absent. */
    iamWritesPerSecond?: number;
}

export class FakeAccount extends AccountState {
    /** IAM writes that passed the quota and took effect. */
    acceptedWrites = 0;
    private tokens: number;
    private lastRefill: number;

    constructor(private readonly options: FakeAccountOptions = {}) {
        super(options.accountId);
        this.tokens = options.iamWritesPerSecond ?? 0;
        this.lastRefill = options.clock?.now() ?? 0;
    }

    writeCount(): number {
        return this.calls.filter((c) => IAM_WRITES.has(c.operation)).length;
    }

    /** Every call enters here: records it, applies faults, latency and the IAM write quota. */
    async handle(operation: string, input: Record<string, any>, region?: string): Promise<any> {
        this.calls.push({ operation, input });
        const isWrite = WRITES.has(operation);
        const latency = isWrite ? this.options.writeLatencyMs : this.options.readLatencyMs;
        if (latency && this.options.clock) {
            await this.options.clock.sleep(latency);
        }
        for (const fault of this.faults) {
            const error = fault(operation, input);
            if (error) {
                throw error;
            }
        }
        if (IAM_WRITES.has(operation) && this.options.iamWritesPerSecond !== undefined && !this.takeWriteToken()) {
            throw awsError("Throttling", "Rate exceeded");
        }
        if (this.identity) {
            await this.authorize(operation, input, region);
        }
        const result = await this.direct(operation, input, region);
        if (isWrite) {
            this.acceptedWrites++;
        }
        return result;
    }

    /** One operation as AWS answers it, without recording, faults, quota or authorization (to set up the world). */
    direct(operation: string, input: Record<string, any>, region?: string): Promise<any> {
        const known = OPERATIONS.get(operation);
        if (!known) {
            throw new Error(`the fake account does not answer ${operation}`);
        }
        return Promise.resolve(known.operation(this, input, region!));
    }

    private takeWriteToken(): boolean {
        const rate = this.options.iamWritesPerSecond!;
        const now = this.options.clock!.now();
        this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000);
        this.lastRefill = now;
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return true;
        }
        return false;
    }

    /** The requests IAM authorizes for one call (the action itself, plus those the service adds, such as iam:TagRole). */
    authRequests(operation: string, input: Record<string, any>, region?: string): AuthRequest[] {
        const known = OPERATIONS.get(operation);
        if (!known) {
            throw new Error(`the fake does not know which service ${operation} belongs to`);
        }
        const { spec } = known;
        return spec.authRequests
            ? spec.authRequests(this, operation, input, region!)
            : [{ action: `${spec.service}:${operation}`, resource: "*", context: {} }];
    }

    private async authorize(operation: string, input: Record<string, any>, region?: string): Promise<void> {
        for (const request of this.authRequests(operation, input, region)) {
            const decision = await this.decide(this.identity!, request);
            if (decision !== "Allow") {
                const how =
                    decision === "ExplicitDeny"
                        ? "with an explicit deny"
                        : "because no identity-based policy allows the action";
                const [code, status] = ACCESS_DENIED[serviceOf(operation)];
                throw awsError(
                    code,
                    `User is not authorized to perform: ${request.action} on resource: ${request.resource} ${how}`,
                    status,
                );
            }
        }
    }
}
