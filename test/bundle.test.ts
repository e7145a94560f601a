import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BUNDLE_LIMIT_BYTES, ReconcilerBundle, reconcilerBundle } from "../components/reconciler/bundle";
import { ENVIRONMENT_VARIABLES } from "../lambda/reconciler/environment";
import { BOUNDARY_ARN, STATE_BUCKET, fakeWorld } from "./reconciler.helpers";

const projectRoot = join(__dirname, "..");

/** Builds the bundle in a fresh Node.js process (nothing cached, no esbuild service reused) from the given cwd. */
async function coldBuild(cwd: string): Promise<ReconcilerBundle> {
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(join(projectRoot, "components/reconciler/bundle"))}).buildReconcilerBundle()))`;
    const { stdout } = await promisify(execFile)(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-e", script],
        {
            cwd,
            env: {
                ...process.env,
                TS_NODE_PROJECT: join(projectRoot, "tsconfig.json"),
                NODE_PATH: join(projectRoot, "node_modules"),
            },
            maxBuffer: 16 * 1024 * 1024,
        },
    );
    return JSON.parse(stdout);
}

describe("reconciler bundle", () => {
    it("is byte-identical across two cold builds from different working directories", async () => {
        const [first, second] = await Promise.all([
            coldBuild(projectRoot),
            coldBuild(mkdtempSync(join(tmpdir(), "bundle-"))),
        ]);
        assert.ok(first.code.length > 1000);
        assert.equal(first.sha256, second.sha256);
        assert.ok(first.code === second.code, "same code bytes");
        assert.ok(first.sourceMap === second.sourceMap, "same source map bytes");
        assert.equal(reconcilerBundle().sha256, first.sha256, "the in-process build is the same too");
    });

    it(`is minified, at most ${BUNDLE_LIMIT_BYTES / 1024} KB, with its source map kept out of the deployed code`, () => {
        const { code, sourceMap } = reconcilerBundle();
        const bytes = Buffer.byteLength(code);
        assert.ok(bytes <= BUNDLE_LIMIT_BYTES, `${bytes} bytes`);
        assert.ok(code.split("\n").length < 50, "minified: a handful of long lines");
        assert.doesNotMatch(code, /sourceMappingURL/, "no reference to a map Lambda would not have");
        const map = JSON.parse(sourceMap);
        assert.ok(map.sources.includes("lambda/reconciler/handler.ts"), "sources relative to the project");
        assert.ok(!sourceMap.includes(projectRoot), "no absolute paths in the map");
        assert.ok(map.mappings.length > 0);
    });

    it("reconciles when run as the deployed, minified index.js", async () => {
        // Inside the project's node_modules so that the AWS SDK (left out of the bundle) resolves as the runtime's would,
        // to the very modules aws-sdk-client-mock has replaced.
        const dir = join(projectRoot, "node_modules", ".cache", "reconciler-bundle-smoke");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "index.js"), reconcilerBundle().code);
        const world = fakeWorld();
        const variables = {
            [ENVIRONMENT_VARIABLES.stackId]: "container-insights/prod",
            [ENVIRONMENT_VARIABLES.stackName]: "prod",
            [ENVIRONMENT_VARIABLES.regions]: "us-east-1",
            [ENVIRONMENT_VARIABLES.bucketName]: "nops-container-cost-111122223333",
            [ENVIRONMENT_VARIABLES.stateBucketName]: STATE_BUCKET,
            [ENVIRONMENT_VARIABLES.queueArnPattern]: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
            [ENVIRONMENT_VARIABLES.namespace]: "nops",
            [ENVIRONMENT_VARIABLES.serviceAccount]: "nops-container-insights",
            [ENVIRONMENT_VARIABLES.apiUrl]: "http://127.0.0.1:9",
            [ENVIRONMENT_VARIABLES.tokenSecretArn]: "arn:aws:secretsmanager:us-east-1:111122223333:secret:t",
            [ENVIRONMENT_VARIABLES.version]: "0.1.0",
            [ENVIRONMENT_VARIABLES.boundaryPolicyArn]: BOUNDARY_ARN,
            [ENVIRONMENT_VARIABLES.clusters]: '{"include":[],"exclude":[],"tags":{}}',
        };
        Object.assign(process.env, variables);
        const [out, err] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
        let output = "";
        process.stdout.write = process.stderr.write = ((chunk: string) => (
            (output += chunk),
            true
        )) as typeof process.stdout.write;
        try {
            world.account.addCluster("us-east-1", "alpha");
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { managementHandler } = require(join(dir, "index.js"));
            const context = { awsRequestId: "req-smoke", functionName: "fn", getRemainingTimeInMillis: () => 900_000 };
            const summary = await managementHandler({}, context);
            assert.equal(summary.counts.created, 1);
            assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
            const finished = output
                .split("\n")
                .filter((line) => line.includes('"reconcile finished"'))
                .map((line) => JSON.parse(line));
            assert.equal(finished.length, 1);
            assert.equal(finished[0].function_request_id, "req-smoke");
        } finally {
            process.stdout.write = out;
            process.stderr.write = err;
            for (const name of Object.keys(variables)) {
                delete process.env[name];
            }
            world.restore();
        }
    });
});
