/**
 * The package's root (where package.json, Pulumi.yaml, stacks/ and images/images.lock.json are), whether this code
 * runs from its TypeScript sources or compiled into dist/: the nearest directory above with a package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

function findRoot(from: string): string {
    let dir = from;
    while (!existsSync(join(dir, "package.json"))) {
        const parent = dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json above ${from}`);
        }
        dir = parent;
    }
    return dir;
}

export const PACKAGE_ROOT = findRoot(__dirname);

/** This package's version, from its package.json. */
export function packageVersion(): string {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
