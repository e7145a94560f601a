/**
 * Drives the pack the way `pulumi preview --policy-pack policies` does (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go):
 * resolve @pulumi/pulumi/cmd/run-policy-pack from the pack's directory, run it there with the engine's address and
 * ".", read the gRPC port from its first stdout line, then call the pulumirpc.Analyzer service. The verdicts must equal
 * the offline check's on the same inputs.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as GrpcJs from "@grpc/grpc-js";
import { DEFAULT_EXCEPTIONS } from "../../policies/kubernetes/exceptions";
import { policies } from "../../policies/policies";
import { checkResources } from "../../policies/offline/engine";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { OfflineResource } from "../../policies/offline/types";
import { baseConfig, ResourceSpec, urnOf } from "./check";

const PACK_DIR = join(__dirname, "..", "..", "policies");
/** The modules the runner itself loads, so messages and credentials come from the same copies. */
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [PACK_DIR] }));
const grpc = fromPulumi("@grpc/grpc-js") as typeof GrpcJs;
const analyzerRpc = fromPulumi("./proto/analyzer_grpc_pb");
const analyzerPb = fromPulumi("./proto/analyzer_pb");
const enginePb = fromPulumi("./proto/engine_grpc_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");

/** The pack's own TypeScript files (what ts-node compiles when the runner loads it). */
function packSources(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "node_modules" ? [] : packSources(path);
        }
        return entry.name.endsWith(".ts") ? [path] : [];
    });
}

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const SIGNED = "a".repeat(64);
const CONFIG = {
    ...baseConfig(),
    "ecr-image-signed": { signatureEvidence: "digest-list", signedDigests: [`sha256:${SIGNED}`] },
};

const container = (extra: Record<string, unknown> = {}) => ({
    name: "app",
    image: `public.ecr.aws/nops/app@sha256:${SIGNED}`,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, ...extra },
});
const podSpec = (extra: Record<string, unknown> = {}) => ({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [container(extra)],
});

/** A preview's worth of resources: workloads (one a custom resource with a pod template, one a patch) and AWS settings. */
const SPECS: ResourceSpec[] = [
    {
        type: "kubernetes:apps/v1:Deployment",
        name: "web",
        props: {
            metadata: { name: "web", namespace: "shop" },
            spec: { template: { spec: podSpec({ privileged: true }) } },
        },
    },
    {
        type: "kubernetes:argoproj.io/v1alpha1:Rollout",
        name: "canary",
        props: {
            metadata: { name: "canary", namespace: "shop" },
            spec: { template: { spec: { ...podSpec(), hostPID: true } } },
        },
    },
    {
        type: "kubernetes:apps/v1:DaemonSetPatch",
        name: "patch",
        props: { metadata: { name: "agent", namespace: "shop" }, spec: { template: { spec: podSpec() } } },
    },
    {
        type: "kubernetes:batch/v1:Job",
        name: "clean",
        props: { metadata: { name: "clean", namespace: "shop" }, spec: { template: { spec: podSpec() } } },
    },
    { type: "aws:s3/bucket:Bucket", name: "data", props: { bucket: "ci-data", id: "ci-data" } },
    {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name: "data",
        props: { bucket: "ci-elsewhere", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        propertyDependencies: { bucket: [urnOf("aws:s3/bucket:Bucket", "data")] },
    },
    { type: "aws:sqs/queue:Queue", name: "jobs", props: { sqsManagedSseEnabled: false } },
    { type: "aws:lambda/function:Function", name: "fn", props: { environment: { variables: { DB_PASS: "hunter2" } } } },
];

interface Verdict {
    policy: string;
    urn: string;
    message: string;
    level: string;
}
const key = (v: Verdict) => `${v.level} ${v.policy} ${v.urn} ${v.message}`;

function unary<T>(client: GrpcJs.Client, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
        (client as unknown as Record<string, (r: unknown, cb: (e: Error | null, v: T) => void) => void>)[method](
            request,
            (error, value) => (error ? reject(error) : resolve(value)),
        );
    });
}

/** The engine's side of the address the CLI hands the pack: it answers Log calls. */
async function startFakeEngine(logs: string[]): Promise<{ address: string; server: GrpcJs.Server }> {
    const server = new grpc.Server();
    const ok = (_call: unknown, callback: (e: null, r: unknown) => void) => callback(null, new Empty());
    server.addService(enginePb.EngineService, {
        log: (call: { request: { getMessage(): string } }, callback: (e: null, r: unknown) => void) => {
            logs.push(call.request.getMessage());
            callback(null, new Empty());
        },
        getRootResource: ok,
        setRootResource: ok,
        startDebugging: ok,
        requirePulumiVersion: ok,
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
            e ? reject(e) : resolve(p),
        ),
    );
    return { address: `127.0.0.1:${port}`, server };
}

/** Runs the pack as the CLI does and resolves with the port from its first stdout line. */
function startPack(engineAddress: string): { child: ChildProcess; port: Promise<number> } {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    // With the user's environment, not the suite's transpiler choice (test/register.js): the runner type-checks the pack.
    const { TS_NODE_PROJECT: _suiteOnly, ...env } = process.env;
    const child = spawn(process.execPath, [runner, engineAddress, "."], {
        cwd: PACK_DIR,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    // The policy server never exits on its own: whatever happens to the test, it goes when this process does.
    process.once("exit", () => child.kill("SIGKILL"));
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = new Promise<number>((resolve, reject) => {
        let stdout = "";
        child.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const newline = stdout.indexOf("\n");
            if (newline !== -1) {
                const first = stdout.slice(0, newline).trim();
                return /^\d+$/.test(first)
                    ? resolve(Number(first))
                    : reject(new Error(`first stdout line is not a port: ${first}`));
            }
        });
        child.on("exit", (code) =>
            reject(new Error(`the pack exited with ${code} before printing its port: ${stderr}`)),
        );
        child.on("error", reject);
    });
    return { child, port };
}

function struct(value: unknown) {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

function analyzerResource(spec: ResourceSpec) {
    const resource = new analyzerPb.AnalyzerResource();
    resource.setType(spec.type);
    resource.setName(spec.name);
    resource.setUrn(urnOf(spec.type, spec.name));
    resource.setProperties(struct(spec.props));
    resource.setOptions(new analyzerPb.AnalyzerResourceOptions());
    for (const [property, urns] of Object.entries(spec.propertyDependencies ?? {})) {
        const dependencies = new analyzerPb.AnalyzerPropertyDependencies();
        dependencies.setUrnsList(urns);
        resource.getPropertydependenciesMap().set(property, dependencies);
    }
    resource.setDependenciesList([...new Set(Object.values(spec.propertyDependencies ?? {}).flat())]);
    return resource;
}

function analyzeRequest(spec: ResourceSpec) {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(spec.type);
    request.setName(spec.name);
    request.setUrn(urnOf(spec.type, spec.name));
    request.setProperties(struct(spec.props));
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return request;
}

/** The policy config as the CLI sends it after validating it against the schemas from GetAnalyzerInfo. */
function configureRequest() {
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, settings] of effectiveConfig(CONFIG, policies)) {
        const config = new analyzerPb.PolicyConfig();
        config.setEnforcementlevel(Number(Object.entries(LEVELS).find(([, level]) => level === settings.level)![0]));
        config.setProperties(struct(settings.settings));
        request.getPolicyconfigMap().set(name, config);
    }
    return request;
}

const descriptions = new Map(policies.map((p) => [p.name, p.description ?? ""]));

/** The pack prefixes each message with the policy's description (server.ts makeReportViolationFun). */
function verdictOf(
    diagnostic: { getPolicyname(): string; getUrn(): string; getMessage(): string; getEnforcementlevel(): number },
    fallbackUrn: string,
): Verdict {
    const description = descriptions.get(diagnostic.getPolicyname())!;
    const message = diagnostic.getMessage().startsWith(`${description}\n`)
        ? diagnostic.getMessage().slice(description.length + 1)
        : diagnostic.getMessage();
    return {
        policy: diagnostic.getPolicyname(),
        urn: diagnostic.getUrn() || fallbackUrn,
        message,
        level: LEVELS[diagnostic.getEnforcementlevel()],
    };
}

describe("the pack through the engine's analyzer protocol (as pulumi preview --policy-pack policies)", function () {
    this.timeout(120000);
    const logs: string[] = [];
    let engine: { address: string; server: GrpcJs.Server } | undefined;
    let pack: { child: ChildProcess; port: Promise<number> } | undefined;
    let client: GrpcJs.Client | undefined;

    before(async () => {
        engine = await startFakeEngine(logs);
        pack = startPack(engine.address);
        const port = await pack.port;
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.child.kill("SIGKILL");
        engine?.server.forceShutdown();
    });

    it("declares what a standalone install needs to start it: TypeScript 5, ts-node, @types/node and every package it imports", () => {
        const manifest = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8"));
        const declared = new Set(Object.keys(manifest.dependencies ?? {}));
        assert.match(manifest.dependencies.typescript, /^[~^]?5\./);
        assert.ok(declared.has("ts-node") && declared.has("@types/node"));
        const imported = packSources(PACK_DIR)
            .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/from "([^".][^"]*)"/g)].map((m) => m[1]))
            .filter((module) => !module.startsWith("node:"))
            .map((module) =>
                module
                    .split("/")
                    .slice(0, module.startsWith("@") ? 2 : 1)
                    .join("/"),
            );
        assert.deepEqual(
            [...new Set(imported)].filter((m) => !declared.has(m)),
            [],
        );
    });

    it("prints its port first, and describes every policy: names, enforcement levels and config schemas (GetAnalyzerInfo, GetPluginInfo)", async () => {
        const info = await unary<{
            getName(): string;
            getPoliciesList(): {
                getName(): string;
                getEnforcementlevel(): number;
                getConfigschema(): { getProperties(): { toJavaScript(): Record<string, unknown> } } | undefined;
            }[];
        }>(client!, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "container-insights");
        const described = info.getPoliciesList().map((p) => ({
            name: p.getName(),
            level: LEVELS[p.getEnforcementlevel()],
            config: Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}).sort(),
        }));
        assert.deepEqual(
            described,
            policies.map((p) => ({
                name: p.name,
                level: p.enforcementLevel,
                config: Object.keys(p.configSchema?.properties ?? {}).sort(),
            })),
        );
        const pss = info.getPoliciesList().find((p) => p.getName() === "k8s-pod-security-restricted")!;
        const exceptions = pss.getConfigschema()!.getProperties()!.toJavaScript().exceptions as { default: unknown[] };
        assert.deepEqual(
            exceptions.default,
            JSON.parse(JSON.stringify(DEFAULT_EXCEPTIONS)),
            "the default exceptions travel in the schema",
        );
        const plugin = await unary<{ getVersion(): string }>(client!, "getPluginInfo", new Empty());
        assert.match(plugin.getVersion(), /^\d+\.\d+\.\d+/);
    });

    it("returns the offline check's verdicts for Configure + Analyze on each resource + AnalyzeStack", async () => {
        await unary(client!, "configure", configureRequest());
        const viaEngine: Verdict[] = [];
        for (const spec of SPECS) {
            const response = await unary<{ getDiagnosticsList(): Parameters<typeof verdictOf>[0][] }>(
                client!,
                "analyze",
                analyzeRequest(spec),
            );
            viaEngine.push(...response.getDiagnosticsList().map((d) => verdictOf(d, urnOf(spec.type, spec.name))));
        }
        const stackRequest = new analyzerPb.AnalyzeStackRequest();
        stackRequest.setResourcesList(SPECS.map(analyzerResource));
        const stack = await unary<{ getDiagnosticsList(): Parameters<typeof verdictOf>[0][] }>(
            client!,
            "analyzeStack",
            stackRequest,
        );
        viaEngine.push(...stack.getDiagnosticsList().map((d) => verdictOf(d, "")));

        const resources: OfflineResource[] = SPECS.map((s) => ({
            id: urnOf(s.type, s.name),
            urn: urnOf(s.type, s.name),
            type: s.type,
            name: s.name,
            props: s.props,
            propertyDependencies: s.propertyDependencies ?? {},
        }));
        const offline = await checkResources(
            [{ source: "preview", resources }],
            policies,
            effectiveConfig(CONFIG, policies),
        );
        const offlineVerdicts = offline.violations.map((v) => ({
            policy: v.policy,
            urn: v.resource,
            message: v.message,
            level: v.level,
        }));

        assert.deepEqual(viaEngine.map(key).sort(), offlineVerdicts.map(key).sort());
        const policiesHit = new Set(viaEngine.map((v) => v.policy));
        for (const expected of [
            "k8s-pod-security-restricted",
            "s3-bucket-encrypted",
            "s3-bucket-tls-only",
            "s3-bucket-public-access-blocked",
            "sqs-queue-encrypted",
            "lambda-no-literal-secrets",
        ]) {
            assert.ok(policiesHit.has(expected), `${expected} reported through the engine`);
        }
        assert.ok(
            viaEngine.some(
                (v) =>
                    v.urn === urnOf("kubernetes:argoproj.io/v1alpha1:Rollout", "canary") &&
                    /Host Namespaces/.test(v.message),
            ),
            "the custom resource's pod template is checked",
        );
        assert.ok(
            !viaEngine.some((v) => v.urn.endsWith("::clean") || v.urn.endsWith("::patch")),
            "restricted workloads and patches pass",
        );
    });
});
