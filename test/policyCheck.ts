/** The project's offline pack checker (npm run policy-check) on a manifest, as its --json report. */
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
