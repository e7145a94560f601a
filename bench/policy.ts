/**
 * npm run bench:policy [-- --json]
 * 1. The offline check (`policy-check`, every policy) on one YAML file of 20,000 Deployments: wall time of the whole
 *    command (process start included) and its peak RSS, read from the OS (getrusage of the finished child).
 * 2. The stack policies alone on stacks of 1,000 to 8,000 buckets, each with its encryption, public access block and
 *    bucket policy: the time per resource stays flat when the work is linear (no bucket × resource scan).
 * Each measurement runs in a child process of its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchArgs, BenchIo, BenchSpec, PROCESS_IO, runBench, runWhenEntry } from "./cli";

const DEPLOYMENTS = 20_000;
const BUCKET_COUNTS = [1_000, 2_000, 4_000, 8_000];
const DIGEST = "sha256:" + "b".repeat(64);

function deployment(i: number): string {
    return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 50}
  labels: {app: app-${i}, tier: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: public.ecr.aws/nops/app-${i % 100}@${DIGEST}
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 10m, memory: 32Mi}}
          securityContext:
            allowPrivilegeEscalation: ${i % 1000 === 0 ? "yes" : "no"}
            capabilities: {drop: [ALL]}
      volumes:
        - name: config
          configMap: {name: app-${i}}
`;
}

/** Child: the CLI's main, in this process, so getrusage covers exactly one check (process start included). */
async function measureCheck(file: string, config: string) {
    const { main } = await import("../policies/offline/cli");
    let stdout = "";
    const exit = await main(["--json", "--config", config, file], {
        stdout: (t) => (stdout += t),
        stderr: (t) => process.stderr.write(t),
    });
    const wallMs = process.uptime() * 1000;
    const report = JSON.parse(stdout);
    return {
        exit,
        checked: report.checked,
        violations: report.violations.length,
        wallMs: Math.round(wallMs),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
}

async function measureStack(buckets: number) {
    const { policies } = await import("../policies/policies");
    const { checkResources } = await import("../policies/offline/engine");
    const { effectiveConfig } = await import("../policies/offline/policyConfig");
    const stackPolicies = policies.filter((p) => "validateStack" in p);
    const urn = (type: string, name: string) => `urn:pulumi:bench::p::${type}::${name}`;
    const resources = Array.from({ length: buckets }, (_, i) => {
        const bucket = `bench-${i}`;
        const specs: [string, Record<string, unknown>][] = [
            ["aws:s3/bucket:Bucket", { bucket, id: bucket }],
            [
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            ],
            [
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                {
                    bucket,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                },
            ],
            [
                "aws:s3/bucketPolicy:BucketPolicy",
                {
                    bucket,
                    policy: JSON.stringify({
                        Statement: [
                            {
                                Effect: "Deny",
                                Principal: "*",
                                Action: "s3:*",
                                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                                Condition: { Bool: { "aws:SecureTransport": "false" } },
                            },
                        ],
                    }),
                },
            ],
        ];
        return specs.map(([type, props]) => ({
            id: urn(type, bucket),
            urn: urn(type, bucket),
            type,
            name: bucket,
            props,
            propertyDependencies: { bucket: [urn("aws:s3/bucket:Bucket", bucket)] },
        }));
    }).flat();
    const config = effectiveConfig(undefined, stackPolicies);
    const started = process.hrtime.bigint();
    const result = await checkResources([{ source: "bench", resources }], stackPolicies, config);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return {
        buckets,
        resources: resources.length,
        violations: result.violations.length,
        ms: Math.round(ms),
        usPerResource: Math.round((ms * 1000) / resources.length),
    };
}

export const POLICY_BENCH: BenchSpec = {
    name: "bench:policy",
    usage: "[--json]",
    switches: ["json"],
    // The children's own modes: one offline check of a file with a config, one stack of n buckets.
    values: ["check", "config"],
    numbers: { stack: { whole: true, atLeast: 1 } },
};

export function main(argv: string[], io: BenchIo = PROCESS_IO): Promise<number> {
    return runBench(POLICY_BENCH, argv, (args) => measureAll(args, io), io);
}

async function measureAll(args: BenchArgs, io: BenchIo): Promise<number> {
    if (args.values.check !== undefined && args.values.config !== undefined) {
        io.out(`${JSON.stringify(await measureCheck(args.values.check, args.values.config))}\n`);
        return 0;
    }
    if (args.numbers.stack !== undefined) {
        io.out(`${JSON.stringify(await measureStack(args.numbers.stack))}\n`);
        return 0;
    }
    const json = args.switches.has("json");
    const child = (...childArgs: string[]) =>
        JSON.parse(
            execFileSync(process.execPath, [...process.execArgv, __filename, ...childArgs], { encoding: "utf8" })
                .trim()
                .split("\n")
                .pop()!,
        );
    const print = (line: string) => (json ? undefined : io.out(`${line}\n`));

    const directory = mkdtempSync(join(tmpdir(), "bench-policy-"));
    let check: Record<string, unknown>;
    try {
        const file = join(directory, "deployments.yaml");
        writeFileSync(file, Array.from({ length: DEPLOYMENTS }, (_, i) => deployment(i)).join("---\n"));
        const config = join(directory, "config.json");
        writeFileSync(
            config,
            JSON.stringify({
                "ecr-image-allowed-registry": { accountId: "123456789012", region: "us-east-1" },
                "ecr-image-signed": { signedDigests: [DIGEST] },
            }),
        );
        check = child("--check", file, "--config", config);
        print(
            `offline check, ${DEPLOYMENTS.toLocaleString("en-US")} Deployments in one file (every policy, process start included)`,
        );
        print(
            `  checked ${check.checked}, ${check.violations} violations (exit ${check.exit}): ${check.wallMs} ms wall, ${check.peakRssMiB} MiB peak RSS (targets: 8,000 ms, 500 MB)`,
        );
    } finally {
        rmSync(directory, { recursive: true, force: true });
    }
    print("stack policies (S3 encryption, TLS-only, public access block) | buckets | resources | ms | µs per resource");
    const stacks: Array<Record<string, number>> = [];
    for (const buckets of BUCKET_COUNTS) {
        const figures = child("--stack", String(buckets));
        stacks.push(figures);
        print(
            `  ${String(figures.buckets).padStart(6)} | ${String(figures.resources).padStart(6)} | ${String(figures.ms).padStart(6)} | ${String(figures.usPerResource).padStart(4)}`,
        );
    }
    if (json) {
        io.out(`${JSON.stringify({ offlineCheck: check, stacks })}\n`);
    }
    return 0;
}

runWhenEntry(module, (argv) => main(argv));
