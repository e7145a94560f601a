/** Puts the stand-in where the engine finds plugins without downloading: $PULUMI_HOME/plugins/resource-aws-v<version>/. */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { awsPackageVersion } from "./version";

/** The launcher in this checkout: a shell script running main.ts with ts-node. */
export const AWS_STANDIN_LAUNCHER = join(__dirname, "pulumi-resource-aws");

export interface InstalledPlugin {
    version: string;
    /** The plugin's directory under $PULUMI_HOME/plugins. */
    dir: string;
    /** The executable the engine runs. */
    path: string;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The installed executable: the launcher of the checkout the engine runs the program from (the engine starts plugins
 * in the program's directory), so each checkout sharing one `.engine/` runs its own stand-in; else this checkout's.
 */
export function standInShim(version: string): string {
    return (
        `#!/bin/sh\n# The engine tier's stand-in AWS provider ${version}, installed by engine/aws-provider/install.ts.\n` +
        `if [ -x engine/aws-provider/pulumi-resource-aws ]; then exec engine/aws-provider/pulumi-resource-aws "$@"; fi\n` +
        `exec ${shellQuote(AWS_STANDIN_LAUNCHER)} "$@"\n`
    );
}

/** Installs the stand-in as resource plugin `aws` at the version of @pulumi/aws in node_modules. Idempotent. */
export function installAwsStandIn(pulumiHome: string): InstalledPlugin {
    const version = awsPackageVersion();
    const dir = join(pulumiHome, "plugins", `resource-aws-v${version}`);
    const path = join(dir, "pulumi-resource-aws");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, standInShim(version));
    chmodSync(path, 0o755);
    return { version, dir, path };
}
