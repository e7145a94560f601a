/** Finding the Pulumi CLI before any workspace is made, so its absence is one clear error. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { PulumiCliMissingError } from "./errors";

function executable(path: string): boolean {
    try {
        accessSync(path, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/** The CLI's path: `<pulumiHome>/bin/pulumi` when a home is given, else the first `pulumi` on PATH. */
export function findPulumiCli(pulumiHome?: string, path = process.env.PATH ?? ""): string {
    const candidates = pulumiHome
        ? [join(pulumiHome, "bin", "pulumi")]
        : path
              .split(delimiter)
              .filter(Boolean)
              .map((dir) => join(dir, "pulumi"));
    const found = candidates.find(executable);
    if (!found) {
        throw new PulumiCliMissingError(pulumiHome ? candidates[0] : "pulumi on PATH");
    }
    return found;
}
