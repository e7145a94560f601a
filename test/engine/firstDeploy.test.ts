/**
 * Scenarios 3a and 3h of the engine tier: the README's first-deploy commands as typed, on the real CLI, with the policy
 * pack run by the real analyzer (@pulumi/policy serving policies/, started by the engine through the language host).
 * The committed stack passes the pack (its open findings, test/engine/pack.ts, are none); a variant with an unencrypted
 * queue and one with a root container are stopped as mandatory violations; `npm run configure -- prod` answered on
 * standard input and `npm run up -- prod` run as typed.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireEngine } from "./workspace";
import { OPEN_FINDINGS, assertPackVerdict, mandatoryFindings } from "./pack";
import { CHART_FIXTURE, DeployedStack, ROLE_NAME, SECRETS, STACK } from "./stack";

describe("engine tier: the first deploy as the README types it, the pack on the real analyzer", function () {
    let stack: DeployedStack;

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa");
    });

    after(async () => stack?.dispose());

    it("previews the committed stack with the policy pack: no mandatory violation but the open findings", async () => {
        assertPackVerdict(await stack.preview(), OPEN_FINDINGS);
    });

    it("stops a variant with an unencrypted queue: sqs-queue-encrypted, mandatory", async () => {
        const file = findSource(join(stack.workspace.dir, "components", "events"), "sqsManagedSseEnabled: true");
        const source = readFileSync(file, "utf8");
        writeFileSync(file, source.replace(/sqsManagedSseEnabled: true/g, "sqsManagedSseEnabled: false"));
        try {
            const preview = await stack.preview();
            const queues = mandatoryFindings(preview).filter((f) => !OPEN_FINDINGS.includes(f));
            assert.ok(queues.length > 0, preview.stdout);
            for (const finding of queues) {
                // The CLI prints a type in its short form (aws:sqs:Queue for aws:sqs/queue:Queue).
                assert.match(finding, /^sqs-queue-encrypted aws:sqs:Queue /);
            }
            assertPackVerdict(preview, [...OPEN_FINDINGS, ...queues]);
        } finally {
            writeFileSync(file, source);
        }
    });

    it("stops a variant whose chart runs the node exporter as root: k8s-pod-security-restricted, mandatory", async () => {
        const file = join(stack.workspace.dir, CHART_FIXTURE, "templates", "prometheus.yaml");
        const source = readFileSync(file, "utf8");
        // The node exporter's pod securityContext (Prometheus's server, earlier in the file, has the same lines).
        const start = source.indexOf("name: {{ .Release.Name }}-node-exporter");
        const hardened = "runAsUser: 65534\n        runAsGroup: 65534\n        runAsNonRoot: true";
        assert.ok(start > 0 && source.indexOf(hardened, start) > start, "the node exporter no longer runs as 65534");
        const root = "runAsUser: 0\n        runAsGroup: 0\n        runAsNonRoot: false";
        writeFileSync(file, source.slice(0, start) + source.slice(start).replace(hardened, root));
        try {
            assertPackVerdict(await stack.preview(), [
                ...OPEN_FINDINGS,
                ...["us-east-1-prod-a", "eu-west-1-prod-eu"].map(
                    (cluster) =>
                        `k8s-pod-security-restricted kubernetes:apps/v1:DaemonSet ${cluster}:nops/nops-kubernetes-agent-node-exporter`,
                ),
            ]);
        } finally {
            writeFileSync(file, source);
        }
    });
});

describe("engine tier: `npm run configure -- prod` and `npm run up -- prod` as typed", function () {
    let stack: DeployedStack;

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa", undefined, { configure: false });
    });

    after(async () => stack?.dispose());

    it("`npm run configure -- prod` stores the answers given on standard input, the secrets encrypted", async () => {
        const answers = [ROLE_NAME, SECRETS.token, SECRETS.externalId, SECRETS.datadogApiKey].join("\n") + "\n";
        const configure = await stack.workspace.run("npm", ["run", "configure", "--", STACK], { input: answers });
        assert.equal(configure.status, 0, `${configure.stdout}\n${configure.stderr}`);
        const file = readFileSync(join(stack.workspace.dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8");
        assert.match(file, /container-insights:roleName: NopsIntegrationRole/);
        for (const secret of Object.values(SECRETS)) {
            assert.ok(!file.includes(secret), "a secret reached the stack file in plaintext");
            assert.ok(!configure.stdout.includes(secret), "a secret was echoed");
        }
        assert.match(file, /container-insights:token:\s+secure: /);
        const { stdout } = await stack.workspace.pulumi([
            "config",
            "get",
            "--stack",
            STACK,
            "container-insights:token",
        ]);
        assert.equal(stdout.trim(), SECRETS.token);
    });

    // Without policies/config.prod.json (its signed-digest list) every image would also fail ecr-image-signed.
    it("`npm run up -- prod --yes` runs `pulumi up` with the pack and the stack's pack config", async () => {
        await stack.configureEngineTier();
        const up = await stack.workspace.run("npm", ["run", "up", "--", STACK, "--yes", "--non-interactive"]);
        assertPackVerdict(up, OPEN_FINDINGS);
    });
});

function findSource(dir: string, text: string): string {
    const match = readdirSync(dir)
        .map((name) => join(dir, name))
        .find((path) => path.endsWith(".ts") && readFileSync(path, "utf8").includes(text));
    assert.ok(match, `no source with ${text} in ${dir}`);
    return match;
}
