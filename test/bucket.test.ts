import { strict as assert } from "node:assert";
import { baseConfig, runProgram, unwrap } from "./harness";

const BUCKET_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
];

/**
 * Runs the program and records the retainOnDelete option of every bucket resource per bucket ("insights", "state"):
 * mocks do not show options.
 */
async function bucketRetention(config: Record<string, string>) {
    const retain: Record<string, Record<string, boolean | undefined>> = { insights: {}, state: {} };
    const run = await runProgram(config, {
        transformation: (args) => {
            if (args.type.startsWith("aws:s3/")) {
                retain[args.name][args.type] = args.opts.retainOnDelete;
            }
            return undefined;
        },
    });
    return { run, retain };
}

describe("the buckets on pulumi destroy", () => {
    it("the agents' bucket is kept by default, with every setting that protects it, and never force-emptied", async () => {
        const { run, retain } = await bucketRetention({ ...baseConfig(), lifecycleDays: "90" });
        assert.deepEqual(Object.keys(retain.insights).sort(), [...BUCKET_TYPES].sort());
        for (const type of BUCKET_TYPES) {
            assert.equal(retain.insights[type], true, type);
        }
        assert.equal(unwrap(run.one("aws:s3/bucket:Bucket", "insights").inputs.forceDestroy), false);
    });

    it("both are emptied and deleted when retainBucket is false", async () => {
        const { run, retain } = await bucketRetention({
            ...baseConfig(),
            retainBucket: "false",
            "events.createTrail": "true",
        });
        for (const [bucket, settings] of Object.entries(retain)) {
            for (const [type, value] of Object.entries(settings)) {
                assert.equal(value, false, `${bucket} ${type}`);
            }
            assert.equal(unwrap(run.one("aws:s3/bucket:Bucket", bucket).inputs.forceDestroy), true, bucket);
        }
    });

    it("the state bucket goes with the stack unless it holds the trail's logs: only those are worth keeping", async () => {
        const withoutTrail = await bucketRetention(baseConfig());
        const withTrail = await bucketRetention({ ...baseConfig(), "events.createTrail": "true" });
        for (const [{ run, retain }, kept] of [
            [withoutTrail, false],
            [withTrail, true],
        ] as const) {
            assert.deepEqual(Object.keys(retain.state).sort(), BUCKET_TYPES.filter((t) => !/Lifecycle/.test(t)).sort());
            for (const [type, value] of Object.entries(retain.state)) {
                assert.equal(value, kept, type);
            }
            assert.equal(unwrap(run.one("aws:s3/bucket:Bucket", "state").inputs.forceDestroy), !kept);
        }
    });

    it("keeps nothing else: no other resource is retained", async () => {
        const retained: string[] = [];
        await runProgram(baseConfig(), {
            transformation: (args) => {
                if (args.opts.retainOnDelete && !args.type.startsWith("aws:s3/")) {
                    retained.push(args.type);
                }
                return undefined;
            },
        });
        assert.deepEqual(retained, []);
    });
});
