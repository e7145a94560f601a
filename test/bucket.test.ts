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

/** Runs the program and records the retainOnDelete option of every bucket resource (mocks do not show options). */
async function bucketRetention(config: Record<string, string>) {
    const retain: Record<string, boolean | undefined> = {};
    const run = await runProgram(config, {
        transformation: (args) => {
            if (args.type.startsWith("aws:s3/")) {
                retain[args.type] = args.opts.retainOnDelete;
            }
            return undefined;
        },
    });
    return { run, retain };
}

describe("the bucket on pulumi destroy", () => {
    it("is kept by default, with every setting that protects it, and never force-emptied", async () => {
        const { run, retain } = await bucketRetention({ ...baseConfig(), lifecycleDays: "90" });
        assert.deepEqual(Object.keys(retain).sort(), [...BUCKET_TYPES].sort());
        for (const type of BUCKET_TYPES) {
            assert.equal(retain[type], true, type);
        }
        assert.equal(unwrap(run.one("aws:s3/bucket:Bucket").inputs.forceDestroy), false);
    });

    it("is emptied and deleted when retainBucket is false", async () => {
        const { run, retain } = await bucketRetention({ ...baseConfig(), retainBucket: "false" });
        for (const [type, value] of Object.entries(retain)) {
            assert.equal(value, false, type);
        }
        assert.equal(unwrap(run.one("aws:s3/bucket:Bucket").inputs.forceDestroy), true);
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
