/**
 * The engine tier's AWS emulator: moto in server mode (moto.ts), and in front of it (front.ts) the EKS routes moto lacks
 * (eks/fake.ts), one IAM answer moto gets wrong (iam/boundaryUsage.ts), STS's refusal to assume a role that does not
 * exist (sts/assumeRole.ts) and regions whose EKS calls are denied on demand (eks/regionDenial.ts), in each service's
 * wire protocol.
 * Everything reaches it through the AWS SDK's own endpoint settings:
 *
 *     const emulator = await startEmulator();
 *     spawn("node", ["child.js"], { env: { ...process.env, ...emulator.env } });   // every SDK v3 client -> emulator
 *     await emulator.stop();
 *
 * `env` holds AWS_ENDPOINT_URL (moto, every service), AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_STS
 * (the front, which passes what it does not serve to moto unchanged), dummy credentials and the region. S3 needs nothing more: with an IP-address endpoint the SDK's S3 endpoint rules address buckets path-style
 * (`http://127.0.0.1:<port>/<bucket>/<key>`), so no `forcePathStyle` and no `<bucket>.localhost` name to resolve.
 * Lambda Invoke answers moto's canned reply (no Docker). seed.ts creates a fleet in it through the SDK.
 */
import { EksFake } from "./eks/fake";
import { RegionDenialFake } from "./eks/regionDenial";
import { startFront } from "./front";
import { BoundaryUsageFake } from "./iam/boundaryUsage";
import { MotoOptions, startMoto } from "./moto";
import { AssumeRoleFake } from "./sts/assumeRole";

export { findMotoServer } from "./moto";

/** The dummy credentials of the emulator's env (moto accepts any; its account comes from MOTO_ACCOUNT_ID). */
export const EMULATOR_CREDENTIALS = { accessKeyId: "AKIAEMULATOR00000000", secretAccessKey: "emulator" } as const;

export interface EmulatorOptions extends Pick<MotoOptions, "command" | "iamEnforcementAfter" | "log"> {
    /** The account every call answers as (moto's default: 123456789012). */
    accountId?: string;
    /** AWS_REGION of `env` (us-east-1 by default); clients may still name any region. */
    region?: string;
}

export interface Emulator {
    /** moto's endpoint (every service). */
    readonly endpoint: string;
    /** The front (EKS, IAM and STS): the fakes, then moto for everything they do not serve. */
    readonly eksEndpoint: string;
    readonly accountId: string;
    readonly region: string;
    /** What a child process needs to call the emulator with the AWS SDK v3: merge it into the child's environment. */
    readonly env: Record<string, string>;
    /** The EKS fake's in-memory state (associations and add-ons), for the test that started it. */
    readonly eks: EksFake["state"];
    /** moto's process id. */
    readonly pid: number;
    /** Stops the fake and moto; resolves once moto's process is gone. */
    stop(): Promise<void>;
}

/** moto's account when MOTO_ACCOUNT_ID is not set. */
const MOTO_DEFAULT_ACCOUNT = "123456789012";

/** The environment of a process that calls the emulator (exported for the standalone `npm run emulator`). */
export function emulatorEnv(
    endpoints: { endpoint: string; eksEndpoint: string },
    region: string,
): Record<string, string> {
    return {
        AWS_ENDPOINT_URL: endpoints.endpoint,
        AWS_ENDPOINT_URL_EKS: endpoints.eksEndpoint,
        AWS_ENDPOINT_URL_IAM: endpoints.eksEndpoint,
        AWS_ENDPOINT_URL_STS: endpoints.eksEndpoint,
        // A user's own setting must not send the SDK past the emulator to AWS.
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        // With AWS_PROFILE set the SDK skips the keys above and reads the profile (credential-provider-node).
        AWS_PROFILE: "",
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_EC2_METADATA_DISABLED: "true",
    };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const region = options.region ?? "us-east-1";
    const moto = await startMoto(options);
    const eks = new EksFake(moto.endpoint, EMULATOR_CREDENTIALS.accessKeyId);
    const boundaries = new BoundaryUsageFake(moto.endpoint);
    let front: Awaited<ReturnType<typeof startFront>>;
    try {
        front = await startFront(moto.endpoint, [
            new RegionDenialFake(),
            eks,
            boundaries,
            new AssumeRoleFake(moto.endpoint),
        ]);
    } catch (error) {
        await moto.stop();
        throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
        endpoint: moto.endpoint,
        eksEndpoint: front.endpoint,
        accountId: options.accountId ?? MOTO_DEFAULT_ACCOUNT,
        region,
        env: emulatorEnv({ endpoint: moto.endpoint, eksEndpoint: front.endpoint }, region),
        eks: eks.state,
        pid: moto.pid,
        stop: () =>
            (stopping ??= Promise.allSettled([front.stop(), moto.stop()]).then(() => {
                eks.destroy();
                boundaries.destroy();
            })),
    };
}
