import { strict as assert } from "assert";
import { createServer, IncomingMessage, Server } from "http";
import { AddressInfo } from "net";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { CONFIRMATION_PATH } from "../lambda/reconciler/confirm";
import { sdkClients } from "../lambda/reconciler/gateway";
import { HandlerDeps, lifecycleAction, run } from "../lambda/reconciler/handler";
import { fakeWorld, settingsFor } from "./reconciler.helpers";

const TOKEN = "tok-VERY-SECRET-789";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:platform-token-abc";

interface Received {
    headers: IncomingMessage["headers"];
    body: any;
    path: string;
}

/** A platform API on 127.0.0.1 whose behaviour each test sets. */
async function platform(behaviour: (attempt: number) => { status: number; delayMs?: number }) {
    const received: Received[] = [];
    const server: Server = createServer((req, res) => {
        let text = "";
        req.on("data", (chunk) => (text += chunk));
        req.on("end", () => {
            received.push({ headers: req.headers, body: JSON.parse(text), path: req.url! });
            const { status, delayMs } = behaviour(received.length);
            setTimeout(() => res.writeHead(status).end("{}"), delayMs ?? 0);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, received, close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Captures everything written to stdout and stderr while `body` runs (Powertools logs and EMF go there). */
async function capture<T>(body: () => Promise<T>): Promise<{ value: T; output: string }> {
    let output = "";
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: any) => ((output += chunk), true)) as any;
    process.stderr.write = ((chunk: any) => ((output += chunk), true)) as any;
    try {
        return { value: await body(), output };
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
}

describe("reconciler handler", () => {
    let world: ReturnType<typeof fakeWorld>;
    let server: Awaited<ReturnType<typeof platform>> | undefined;
    beforeEach(() => {
        world = fakeWorld();
        world.account.secrets.set(SECRET_ARN, TOKEN);
    });
    afterEach(async () => {
        world.restore();
        await server?.close();
        server = undefined;
    });

    function deps(apiUrl: string, confirmation = { timeoutMs: 2_000, attempts: 3 }): HandlerDeps {
        return {
            env: { ...settingsFor(["us-east-1", "eu-west-1"]), homeRegion: "us-east-1", apiUrl, tokenSecretArn: SECRET_ARN, version: "0.1.0" },
            clients: sdkClients("us-east-1"),
            clock: world.clock,
            logger: new Logger({ serviceName: "test" }),
            metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "test" }),
            confirmation,
        };
    }

    it("reads the CRUD action that aws.lambda.Invocation adds", () => {
        assert.equal(lifecycleAction({ tf: { action: "delete", prev_input: {} } }), "delete");
        assert.equal(lifecycleAction({ tf: { action: "create" } }), "create");
        assert.equal(lifecycleAction({ source: "aws.events" }), undefined);
    });

    it("confirms the onboarded clusters to the platform, with the token in the header only", async () => {
        server = await platform(() => ({ status: 200 }));
        const alpha = world.account.addCluster("us-east-1", "alpha");
        const beta = world.account.addCluster("eu-west-1", "beta");
        const { value, output } = await capture(() => run("deploy", { tf: { action: "create" } }, deps(server!.url)));
        assert.deepEqual(value.confirmation, { sent: true, status: 200, attempts: 1 });
        assert.equal(server.received.length, 1);
        const request = server.received[0];
        assert.equal(request.path, CONFIRMATION_PATH);
        assert.equal(request.headers["x-nops-api-key"], TOKEN);
        assert.deepEqual(request.body.cluster_arns.sort(), [alpha, beta].sort());
        assert.equal(request.body.stack_name, "prod");
        assert.equal(request.body.stack_id, "container-insights/prod");
        assert.equal(request.body.region_name, "us-east-1");
        assert.equal(request.body.account_id, "111122223333");
        assert.equal(request.body.version, "0.1.0");
        assert.ok(!output.includes(TOKEN), "the token must never be logged");
        assert.equal(world.account.calls.filter((c) => c.operation === "GetCallerIdentity").length, 1, "STS is asked once per run");
        const summaryLine = output.split("\n").find((line) => line.includes("reconcile finished"))!;
        assert.equal(JSON.parse(summaryLine).counts.created, 2);
        assert.ok(output.includes('"IamWrites"'), "EMF metrics are printed");
    });

    it("sends no confirmation when there are no clusters", async () => {
        server = await platform(() => ({ status: 200 }));
        const { value } = await capture(() => run("schedule", {}, deps(server!.url)));
        assert.equal(server.received.length, 0);
        assert.equal(value.confirmation, undefined);
    });

    it("retries a platform outage, then logs it without failing the reconcile", async () => {
        server = await platform(() => ({ status: 503 }));
        world.account.addCluster("us-east-1", "alpha");
        const { value, output } = await capture(() => run("schedule", {}, deps(server!.url)));
        assert.equal(value.counts.created, 1);
        assert.deepEqual(value.confirmation, { sent: false, error: "HTTP 503", attempts: 3 });
        assert.equal(server.received.length, 3);
        assert.ok(output.includes("onboarding confirmation not delivered"));
        assert.ok(!output.includes(TOKEN));
    });

    it("gives up on a slow platform after the timeout", async () => {
        server = await platform(() => ({ status: 200, delayMs: 1_000 }));
        world.account.addCluster("us-east-1", "alpha");
        const { value } = await capture(() => run("schedule", {}, deps(server!.url, { timeoutMs: 100, attempts: 2 })));
        assert.equal(value.counts.created, 1);
        assert.deepEqual(value.confirmation, { sent: false, error: "no answer within 100 ms", attempts: 2 });
    });

    it("still reconciles when the platform cannot be reached at all", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const { value } = await capture(() => run("schedule", {}, deps("http://127.0.0.1:9", { timeoutMs: 500, attempts: 2 })));
        assert.equal(value.counts.created, 1);
        assert.equal(value.confirmation!.sent, false);
    });

    it("tears down on the delete lifecycle event and sends no confirmation", async () => {
        server = await platform(() => ({ status: 200 }));
        world.account.addCluster("us-east-1", "alpha");
        await capture(() => run("deploy", { tf: { action: "create" } }, deps(server!.url)));
        const { value } = await capture(() => run("deploy", { tf: { action: "delete" } }, deps(server!.url)));
        assert.equal(value.action, "delete");
        assert.equal(value.counts.deleted, 1);
        assert.equal(world.account.roles.size, 0);
        assert.equal(server.received.length, 1);
    });
});
