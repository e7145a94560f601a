/** The version the stand-in registers as: exactly the @pulumi/aws the program is installed with. */
import { readFileSync } from "node:fs";

export function awsPackageVersion(): string {
    const manifest = require.resolve("@pulumi/aws/package.json");
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
