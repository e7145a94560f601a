import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkManifest, itCatchesPodMutations, manifestDocuments, PodMutation } from "../../policyCheck";
import { durationFlag } from "../../../automation/cliArgs";

const ROOT = join(__dirname, "..", "..", "..");
const MANIFEST = join(ROOT, "deploy", "watch-deployment.yaml");
const CONFIG = join(ROOT, "deploy", "watch-policy-config.json");

const check = (yamlText: string) => checkManifest(yamlText, CONFIG);

const documents = () => manifestDocuments(MANIFEST);
const deployment = (docs: any[]) => docs.find((d) => d.kind === "Deployment");

describe("the watch service's image and Deployment", () => {
    it("deploy/watch-deployment.yaml passes the project's own pack (offline checker) with deploy/watch-policy-config.json", async () => {
        const { code, report } = await check(readFileSync(MANIFEST, "utf8"));
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
            "a capability kept",
            (pod) => (pod.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_ADMIN"] }),
            /k8s-pod-security-restricted/,
        ],
        ["no seccomp profile", (pod) => delete pod.securityContext.seccompProfile, /k8s-pod-security-restricted/],
        [
            "an image by tag",
            (pod) =>
                (pod.containers[0].image =
                    "111122223333.dkr.ecr.us-east-1.amazonaws.com/container-insights-watch:latest"),
            /ecr-image-digest-pinned/,
        ],
        [
            "an image from another registry",
            (pod) => (pod.initContainers[0].image = `docker.io/library/busybox@sha256:${"1".repeat(64)}`),
            /ecr-image-allowed-registry/,
        ],
    ];
    itCatchesPodMutations(MANIFEST, "Deployment", CONFIG, mutations);

    it("runs one replica at a time, with a read-only root file system, writable only where the CLI writes, and a grace period longer than the service's", () => {
        const spec = deployment(documents()).spec;
        assert.equal(spec.replicas, 1);
        assert.equal(
            spec.strategy.type,
            "Recreate",
            "a rolling update would run two services, racing for the stack's lock",
        );
        const pod = spec.template.spec;
        for (const container of [...pod.initContainers, ...pod.containers]) {
            assert.equal(container.securityContext.readOnlyRootFilesystem, true, container.name);
        }
        const watch = pod.containers[0];
        assert.deepEqual(watch.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort(), [
            "/app/stacks",
            "/home/watch/.pulumi/workspaces",
            "/tmp",
        ]);
        const flag = (name: string) => watch.args[watch.args.indexOf(`--${name}`) + 1];
        const serviceMs =
            durationFlag("watch", "grace-period", flag("grace-period"), 0) +
            durationFlag("watch", "cancel-timeout", flag("cancel-timeout"), 0);
        assert.ok(
            pod.terminationGracePeriodSeconds * 1000 > serviceMs,
            "Kubernetes would SIGKILL the service before it stopped the update",
        );
        assert.equal(pod.securityContext.runAsUser, 10001);
        assert.equal(watch.livenessProbe.httpGet.path, "/healthz");
    });

    describe("Dockerfile", () => {
        const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
        const lines = dockerfile.split("\n").filter((l) => !l.startsWith("#"));

        it("pins the Pulumi CLI's version and verifies the download's sha256 before unpacking it", () => {
            assert.match(dockerfile, /^ARG PULUMI_VERSION=\d+\.\d+\.\d+$/m);
            assert.match(dockerfile, /^ARG PULUMI_SHA256=[0-9a-f]{64}$/m);
            assert.match(
                dockerfile,
                /echo "\$\{PULUMI_SHA256\}  \/tmp\/pulumi\.tar\.gz" \| sha256sum -c - \\\n && tar -xzf \/tmp\/pulumi\.tar\.gz/,
            );
            const stages = lines.filter((l) => /^FROM /.test(l));
            assert.ok(stages.length >= 2 && stages.every((l) => /^FROM \$\{NODE_IMAGE\}/.test(l)));
            assert.match(dockerfile, /^ARG NODE_IMAGE=node:22-/m);
        });

        it("runs as the manifest's non-root uid, with tini handing SIGTERM to node only", () => {
            const user = lines.filter((l) => l.startsWith("USER ")).at(-1);
            assert.equal(user, "USER 10001:10001", "numeric, so that runAsNonRoot can be verified");
            const entrypoint = JSON.parse(lines.find((l) => l.startsWith("ENTRYPOINT "))!.slice("ENTRYPOINT ".length));
            assert.deepEqual(entrypoint, ["/usr/bin/tini", "--", "node", "/app/cli/container-insights.js"]);
            assert.ok(
                !entrypoint.includes("-g"),
                "tini -g would send SIGTERM to the Pulumi CLI too, which dies holding the lock",
            );
            assert.deepEqual(JSON.parse(lines.find((l) => l.startsWith("CMD "))!.slice(4)), ["watch", "--env", "prod"]);
        });

        it("keeps the build context small: no git history, node_modules, state or tests", () => {
            const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
            for (const entry of [".git", "**/node_modules", ".pulumi-state", "test"]) {
                assert.ok(ignored.includes(entry), entry);
            }
        });
    });
});
