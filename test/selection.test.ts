/**
 * The program and the reconciler select clusters with one function: the same fleet and the same config give the same
 * set on both sides, end to end (the reconciler learns the filters from the environment the program gives its Lambda).
 */
import { strict as assert } from "node:assert";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { ClusterStatus } from "../components/cluster/types";
import { filterReason } from "../common/selection";
import { ENVIRONMENT_VARIABLES, readEnvironment } from "../lambda/reconciler/environment";
import { sdkClients } from "../lambda/reconciler/gateway";
import { run } from "../lambda/reconciler/handler";
import { Fleet, baseConfig, runProgram, unwrap } from "./harness";
import { fakeWorld } from "./reconciler.helpers";

const FLEET: Fleet = {
    "us-east-1": [
        { name: "prod-a", tags: { insights: "on" } },
        { name: "prod-b", tags: { insights: "off" } },
        { name: "prod-sandbox-1", tags: { insights: "on" } },
        { name: "dev-a", tags: { insights: "on" } },
        { name: "prod-creating", status: "CREATING", tags: { insights: "on" } },
        { name: "prod-untagged" },
    ],
    "eu-west-1": [
        { name: "prod-eu", tags: { insights: "on", team: "x" } },
        { name: "Prod-upper", tags: { insights: "on" } },
    ],
};
const CONFIG = {
    ...baseConfig(),
    includeRegions: "us-east-1,eu-west-1",
    "clusters.include": "prod-*",
    "clusters.exclude": "prod-sandbox*",
    "clusters.tags": '{"insights":"on"}',
};

describe("one cluster selection for the program and the reconciler", () => {
    it("leaves a cluster out for an exclude glob, a missed include glob or a tag, in that order", () => {
        const filters = { include: ["prod-*"], exclude: ["*-sandbox-*"], tags: { insights: "on" } };
        assert.match(filterReason({ name: "prod-sandbox-1", tags: {} }, filters)!, /clusters.exclude/);
        assert.match(filterReason({ name: "dev", tags: { insights: "on" } }, filters)!, /clusters.include/);
        assert.match(filterReason({ name: "prod-x" }, filters)!, /tag insights is missing/);
        assert.equal(filterReason({ name: "prod-x", tags: { insights: "on", other: "y" } }, filters), undefined);
        assert.equal(filterReason({ name: "anything" }, { include: [], exclude: [], tags: {} }), undefined);
    });

    it("selects the same clusters on both sides for one fleet and one config", async () => {
        const program = await runProgram(CONFIG, { fleet: FLEET });
        const installed = (program.outputs.clusters.value as ClusterStatus[])
            .filter((c) => c.status === "installed")
            .map((c) => c.arn);
        const fn = program.ofType("aws:lambda/function:Function").find((f) => f.name === "reconciler-creation")!;
        const variables = (unwrap(fn.inputs.environment) as { variables: Record<string, string> }).variables;
        assert.deepEqual(JSON.parse(variables[ENVIRONMENT_VARIABLES.clusters]), {
            include: ["prod-*"],
            exclude: ["prod-sandbox*"],
            tags: { insights: "on" },
        });

        const world = fakeWorld();
        const received: string[][] = [];
        const server: Server = createServer((req, res) => {
            let text = "";
            req.on("data", (chunk) => (text += chunk));
            req.on("end", () => {
                received.push(JSON.parse(text).cluster_arns);
                res.writeHead(200).end("{}");
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            for (const [region, clusters] of Object.entries(FLEET)) {
                for (const c of clusters) {
                    world.account.addCluster(region, c.name, { status: c.status, oidc: c.oidc, tags: c.tags });
                }
            }
            const secretArn = variables[ENVIRONMENT_VARIABLES.tokenSecretArn];
            world.account.secrets.set(secretArn, "token");
            const env = readEnvironment({
                ...variables,
                [ENVIRONMENT_VARIABLES.apiUrl]: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
                AWS_REGION: "us-east-1",
            });
            world.account.managedPolicies.add(env.boundaryPolicyArn);
            const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
            const metrics = new Metrics({ namespace: "ContainerInsights", serviceName: "test" });
            const write = process.stdout.write.bind(process.stdout);
            process.stdout.write = (() => true) as typeof process.stdout.write;
            let summary;
            try {
                summary = await run(
                    "deploy",
                    { tf: { action: "create" } },
                    { env, clients: sdkClients("us-east-1"), clock: world.clock, logger, metrics },
                );
            } finally {
                process.stdout.write = write;
            }
            const withRoles = summary.results.filter((r) => r.outcome === "created").map((r) => r.clusterArn!);
            assert.deepEqual(withRoles.sort(), [...installed].sort());
            assert.deepEqual(installed.map((arn) => arn.split("/")[1]).sort(), ["prod-a", "prod-eu"]);
            assert.equal(received.length, 1);
            assert.deepEqual(
                received[0].sort(),
                [...installed].sort(),
                "only selected clusters are reported onboarded",
            );
            assert.equal(world.account.roles.size, 2);
        } finally {
            world.restore();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });
});
