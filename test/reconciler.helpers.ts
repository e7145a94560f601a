import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { Log } from "../lambda/reconciler/reconcile";
import { Clock } from "../lambda/reconciler/timing";
import { ReconcilerSettings } from "../lambda/reconciler/types";
import { NO_FILTERS } from "../common/selection";
import { agentBoundaryPolicyArn } from "../common/naming";
import { StackScope } from "../components/iam/scope";
import { FakeAccount, FakeAccountOptions, fakeStateBucketName } from "./fakes/awsAccount";
import { mockAws } from "./fakes/sdkMocks";

/** A clock whose sleeps return at once, so back-off costs no real time. */
export function instantClock(): Clock & { slept: number } {
    let now = 0;
    const clock = {
        slept: 0,
        now: () => now,
        sleep: async (ms: number) => {
            now += ms;
            clock.slept += ms;
        },
    };
    return clock;
}

/** The stack's state bucket in the fake account: the run lease and the deployment record. */
export const STATE_BUCKET = fakeStateBucketName("111122223333");

export const BOUNDARY_ARN = agentBoundaryPolicyArn({ accountId: "111122223333", partition: "aws", stackName: "prod" });

/** The stack "prod" in the fake account, as the role documents are built for it. */
export const PROD_SCOPE: StackScope = {
    accountId: "111122223333",
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: "nops-container-cost-111122223333",
    stateBucketName: STATE_BUCKET,
};

export function settingsFor(regions: string[], overrides: Partial<ReconcilerSettings> = {}): ReconcilerSettings {
    return {
        stackId: "container-insights/prod",
        stackName: "prod",
        regions,
        bucketName: "nops-container-cost-111122223333",
        queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
        namespace: "nops",
        serviceAccount: "nops-container-insights",
        boundaryPolicyArn: BOUNDARY_ARN,
        clusters: NO_FILTERS,
        identityMode: "irsa",
        ...overrides,
    };
}

export interface RecordingLog extends Log {
    lines: Array<{ level: string; message: string; extra: unknown[] }>;
}

export function recordingLog(): RecordingLog {
    const lines: RecordingLog["lines"] = [];
    const record =
        (level: string) =>
        (message: string, ...extra: unknown[]) =>
            lines.push({ level, message, extra });
    return { lines, info: record("info"), warn: record("warn"), error: record("error") };
}

/** A fake account with the SDK pointed at it; `restore` puts the real clients back. */
export function fakeWorld(options: FakeAccountOptions = {}) {
    const account = new FakeAccount(options);
    account.managedPolicies.add(BOUNDARY_ARN);
    const restore = mockAws(account);
    const clock = options.clock ?? instantClock();
    const gateway = () => new Gateway(sdkClients("us-east-1"), clock);
    return { account, restore, clock, gateway };
}
