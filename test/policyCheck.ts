/** The project's offline pack checker (npm run policy-check) on a manifest, as its --json report. */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";
import { main as policyCheck } from "../policies/offline/cli";

export interface CheckReport {
    violations: Array<{ policy: string; resource: string; message: string }>;
    checked: number;
}

export async function checkManifest(yamlText: string, config: string): Promise<{ code: number; report: CheckReport }> {
    let stdout = "";
    const code = await policyCheck(["--json", "--config", config, "-"], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stdout += t),
        readStdin: () => yamlText,
    });
    return { code, report: JSON.parse(stdout) as CheckReport };
}

/** A change to a manifest's pod spec that the pack must catch, and the policy that must name it. */
export type PodMutation = [what: string, mutate: (pod: any) => void, policy: RegExp];

/**
 * One test per mutation: the manifest's `kind` workload with its pod spec changed fails the offline check (exit 1) with
 * a violation of the expected policy.
 */
export function itCatchesPodMutations(
    manifest: string,
    kind: string,
    config: string,
    mutations: PodMutation[],
    where = "",
): void {
    for (const [what, mutate, policy] of mutations) {
        it(`the check catches ${what}${where}`, async () => {
            const docs = manifestDocuments(manifest);
            mutate(docs.find((d) => d.kind === kind).spec.template.spec);
            const { code, report } = await checkManifest(renderDocuments(docs), config);
            assert.equal(code, 1);
            assert.ok(
                report.violations.some((v) => policy.test(v.policy)),
                JSON.stringify(report.violations),
            );
        });
    }
}

/** A multi-document YAML manifest as plain objects. */
export function manifestDocuments(path: string): any[] {
    return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS());
}

export function renderDocuments(docs: unknown[]): string {
    return docs.map((d) => stringify(d)).join("---\n");
}
