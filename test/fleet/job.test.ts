import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkManifest, itCatchesPodMutations, manifestDocuments, PodMutation } from "../policyCheck";

const ROOT = join(__dirname, "..", "..");
const MANIFEST = join(ROOT, "deploy", "fleet-job.yaml");
const CONFIG = join(ROOT, "deploy", "watch-policy-config.json");

const documents = () => manifestDocuments(MANIFEST);
const job = (docs: any[]) => docs.find((d) => d.kind === "Job");

describe("the fleet's Indexed Job (deploy/fleet-job.yaml)", () => {
    it("passes the project's own pack (offline checker) with deploy/watch-policy-config.json", async () => {
        const { code, report } = await checkManifest(readFileSync(MANIFEST, "utf8"), CONFIG);
        assert.deepEqual(report.violations, []);
        assert.equal(report.checked, 2);
        assert.equal(code, 0);
    });

    const mutations: PodMutation[] = [
        [
            "a container that may run as root",
            (pod) => delete pod.securityContext.runAsNonRoot,
            /k8s-pod-security-restricted/,
        ],
        [
            "privilege escalation allowed",
            (pod) => (pod.containers[0].securityContext.allowPrivilegeEscalation = true),
            /k8s-pod-security-restricted/,
        ],
        [
            "an image by tag",
            (pod) =>
                (pod.containers[0].image =
                    "111122223333.dkr.ecr.us-east-1.amazonaws.com/container-insights-watch:latest"),
            /ecr-image-digest-pinned/,
        ],
    ];
    itCatchesPodMutations(MANIFEST, "Job", CONFIG, mutations, " in the Job's pod");

    it("is Indexed, with as many shards as completions, retried per index, pods never restarted in place", () => {
        const spec = job(documents()).spec;
        assert.equal(spec.completionMode, "Indexed");
        const args: string[] = spec.template.spec.containers[0].args;
        assert.deepEqual(args.slice(0, 2), ["fleet", "up"]);
        assert.equal(Number(args[args.indexOf("--shards") + 1]), spec.completions);
        assert.ok(args.includes("--yes"));
        assert.ok(spec.backoffLimitPerIndex >= 1);
        assert.equal(spec.template.spec.restartPolicy, "Never", "backoffLimitPerIndex requires restartPolicy Never");
    });
});
