/**
 * npm run bench:iam [-- --json]
 * What deciding one IAM request costs with our evaluator (test/fakes/iamPolicy.ts) and with iam-simulate (the
 * suite's reference, test/iamSimulator.ts), on probes of three documents: the reconciler's role policy (what the
 * fake account enforces), the deployer policy of a default stack, and of a 10-region stack with every add-on. Both
 * decide the same probes, one after the other, in this process, after one unmeasured pass of iam-simulate (it reads
 * AWS's action data on first use); --json prints exactly one JSON object.
 */
import { PolicyDocument } from "../common/documents";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { deployerPolicy } from "../components/permissions/deployerPolicy";
import { evaluate } from "../test/fakes/iamPolicy";
import { simulateGenerated } from "../test/iamSimulator";
import { probeRequests } from "../test/policyProbes";
import { parsedAsTheProgramSeesIt } from "../test/renderedDocuments";
import { ACCOUNT_ID, FLEET_REGIONS, baseConfig } from "../test/harness";
import { PROD_SCOPE } from "../test/reconciler.helpers";
import { BenchIo, BenchSpec, PROCESS_IO, runBench, runWhenEntry } from "./cli";

function documents(): Array<[string, PolicyDocument]> {
    const deployer = (config: Record<string, string>) =>
        deployerPolicy({ stackName: "prod", stackRegion: "us-east-1", config: parsedAsTheProgramSeesIt(config) });
    return [
        [
            "reconciler role policy",
            reconcilerPermissions(
                PROD_SCOPE,
                `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:platform-token-AbCdEf`,
            ),
        ],
        ["deployer policy, default stack", deployer(baseConfig())],
        [
            "deployer policy, 10 regions and every add-on",
            deployer({
                ...baseConfig(),
                identityMode: "auto",
                includeRegions: JSON.stringify(FLEET_REGIONS.slice(0, 10)),
                "addons.cniMetrics.enabled": "true",
                "addons.cniMetrics.alarmEmail": "ops@example.com",
                "addons.fargateInsights.enabled": "true",
            }),
        ],
    ];
}

interface Row {
    document: string;
    statements: number;
    probes: number;
    oursMsPerRequest: number;
    iamSimulateMsPerRequest: number;
}

async function measure(name: string, document: PolicyDocument): Promise<Row> {
    const probes = await probeRequests(document, { accountId: ACCOUNT_ID, actions: "all" });
    for (const probe of probes) {
        await simulateGenerated({ identity: document }, probe); // warm: iam-simulate reads AWS's action data once
    }
    let started = performance.now();
    for (const probe of probes) {
        try {
            evaluate(document, probe);
        } catch {
            // a probe our evaluator refuses costs what it cost
        }
    }
    const ours = (performance.now() - started) / probes.length;
    started = performance.now();
    for (const probe of probes) {
        await simulateGenerated({ identity: document }, probe);
    }
    const reference = (performance.now() - started) / probes.length;
    return {
        document: name,
        statements: document.Statement.length,
        probes: probes.length,
        oursMsPerRequest: Number(ours.toFixed(3)),
        iamSimulateMsPerRequest: Number(reference.toFixed(3)),
    };
}

export const IAM_BENCH: BenchSpec = { name: "bench:iam", usage: "[--json]", switches: ["json"] };

export function main(argv: string[], io: BenchIo = PROCESS_IO): Promise<number> {
    return runBench(IAM_BENCH, argv, (args) => measureAll(args.switches.has("json"), io), io);
}

async function measureAll(json: boolean, io: BenchIo): Promise<number> {
    const rows: Row[] = [];
    for (const [name, document] of documents()) {
        rows.push(await measure(name, document));
    }
    if (json) {
        io.out(`${JSON.stringify({ rows })}\n`);
        return 0;
    }
    for (const r of rows) {
        io.out(
            `${r.document}: ${r.statements} statements, ${r.probes} probes; ours ${r.oursMsPerRequest} ms/request, ` +
                `iam-simulate ${r.iamSimulateMsPerRequest} ms/request (${(r.iamSimulateMsPerRequest / r.oursMsPerRequest).toFixed(0)}x)\n`,
        );
    }
    return 0;
}

runWhenEntry(module, (argv) => main(argv));
