/**
 * A stack's config as the Pulumi CLI hands it to the program (config/stackFile.ts), as the raw config the program
 * parses, for tools that need the program's Settings without running it. Secure values are reported as present
 * only: no tool that uses this reader needs a secret's value, and none ever sees one.
 */
import { NAMESPACE } from "../config/keys";
import { RawConfig } from "../config/parse";
import { readStackFileConfig } from "../config/stackFile";

/** Stands in for a secure value that is set; never a real secret. */
export const SECRET_PLACEHOLDER = "(secret)";

export interface StackConfig {
    raw: RawConfig;
    awsRegion?: string;
}

/** `sets`: `pulumi config set --path KEY VALUE` applied on top of the file, so `clusters.assumeRoleArn` is a field. */
export function readStackConfig(stack: string, projectDir: string, sets: Record<string, string> = {}): StackConfig {
    const { config, secretKeys } = readStackFileConfig(
        stack,
        projectDir,
        Object.entries(sets).map(([key, value]) => ({ key, value })),
        SECRET_PLACEHOLDER,
    );
    const prefix = `${NAMESPACE}:`;
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = secretKeys.includes(key) ? SECRET_PLACEHOLDER : value;
        }
    }
    return { raw, awsRegion: config["aws:region"] };
}
