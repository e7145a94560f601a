/** What the offline check reads and reports. */

export type Level = "mandatory" | "advisory";

export interface OfflineResource {
    /** How reports name it: `<kind>/<namespace>/<name>` for Kubernetes objects, the URN for stack-export resources. */
    id: string;
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    propertyDependencies: Record<string, string[]>;
}

/** The resources of one input (a stack export, a manifest file): stack policies correlate within it. */
export interface InputGroup {
    source: string;
    resources: OfflineResource[];
}

export interface Violation {
    policy: string;
    resource: string;
    message: string;
    level: Level;
}

export interface CheckResult {
    violations: Violation[];
    checked: number;
}

/** Input that cannot be read or parsed: the check stops with exit code 2 and says which file and why. */
export class InputError extends Error {
    /** `bare`: the reason already names the source. */
    constructor(
        readonly source: string,
        why: string,
        options: { bare?: boolean } = {},
    ) {
        super(options.bare ? why : `${source}: ${why}`);
        this.name = "InputError";
    }
}

const READ_PROBLEMS: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EISDIR: "is a directory, not a file",
    ENOTDIR: "a part of the path is not a directory",
};

/** Why a file cannot be read, in words (the error code in brackets): `no such file or directory (ENOENT)`. */
export function readProblem(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    const words = code === undefined ? undefined : READ_PROBLEMS[code];
    return `cannot be read: ${words ? `${words} (${code})` : (code ?? (error instanceof Error ? error.message : String(error)))}`;
}
