/**
 * Scenarios 3a and 3h of the engine tier: the README's first-deploy commands as typed, on the real CLI. `npm run
 * configure -- prod` answered on standard input stores the values (secrets encrypted); the committed stack passes
 * `pulumi preview` with the policy pack; a variant of the program with an unencrypted queue is stopped by the real
 * analyzer as a mandatory violation.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeployedStack, ROLE_NAME, SECRETS, STACK } from "./stack";
import { requireEngine } from "./workspace";

describe("engine tier: the first deploy as the README types it", function () {
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

    it("previews the committed stack with the policy pack: no violation", async () => {
        await stack.configureEngineTier();
        const preview = await stack.preview();
        assert.equal(preview.status, 0, `${preview.stdout}\n${preview.stderr}`);
        assert.doesNotMatch(preview.stdout, /mandatory/);
    });

    it("stops a variant with an unencrypted queue: the real analyzer reports a mandatory violation", async () => {
        const queues = join(stack.workspace.dir, "components", "events");
        const file = findQueueFile(queues);
        const source = readFileSync(file, "utf8");
        assert.match(source, /sqsManagedSseEnabled: true/);
        writeFileSync(file, source.replace(/sqsManagedSseEnabled: true/g, "sqsManagedSseEnabled: false"));
        const preview = await stack.preview();
        assert.notEqual(preview.status, 0, "the preview passed an unencrypted queue");
        assert.match(preview.stdout + preview.stderr, /mandatory/);
        assert.match(preview.stdout + preview.stderr, /sqs/i);
        writeFileSync(file, source);
    });
});

function findQueueFile(dir: string): string {
    const match = readdirSync(dir)
        .map((name) => join(dir, name))
        .find((path) => path.endsWith(".ts") && readFileSync(path, "utf8").includes("sqsManagedSseEnabled: true"));
    assert.ok(match, `no queue with sqsManagedSseEnabled in ${dir}`);
    return match;
}
