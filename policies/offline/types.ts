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
