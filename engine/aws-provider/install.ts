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
 * Installs the stand-in as resource plugin `aws` at the version of @pulumi/aws in node_modules: an executable that
 * runs this checkout's launcher (so the plugin follows the checkout's code without reinstalling). Idempotent.
 */
export function installAwsStandIn(pulumiHome: string): InstalledPlugin {
    const version = awsPackageVersion();
    const dir = join(pulumiHome, "plugins", `resource-aws-v${version}`);
    const path = join(dir, "pulumi-resource-aws");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
        path,
        `#!/bin/sh\n# The engine tier's stand-in AWS provider ${version}, installed by engine/aws-provider/install.ts.\n` +
            `exec ${shellQuote(AWS_STANDIN_LAUNCHER)} "$@"\n`,
    );
    chmodSync(path, 0o755);
    return { version, dir, path };
}
