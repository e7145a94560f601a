/**
 * iam-simulate works out which of an action's resource types an ARN is (getResourceTypesForAction: AWS's resource
 * type patterns matched against the ARN) twice for every request it decides, and the suite decides tens of thousands
 * of requests over a few hundred action and ARN pairs: that matching was a third of the permission tests' CPU. The
 * answer depends only on the action and the ARN, so this keeps it per process, inside the same iam-simulate (its
 * internal module, at the exact version package.json pins); every decision is still iam-simulate's.
 * test/iamSimulator.test.ts checks that the answers are the library's own.
 */
import { dirname, join } from "node:path";

type ResourceTypesFor = (service: string, action: string, resource: string) => Promise<unknown[]>;

interface ResourceTypesModule {
    getResourceTypesForAction: ResourceTypesFor;
}

const MODULE = join(
    dirname(require.resolve("@cloud-copilot/iam-simulate")),
    "simulation_engine",
    "resourceTypes.js",
) as string;

function load(): ResourceTypesModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(MODULE) as Partial<ResourceTypesModule>;
    if (typeof module.getResourceTypesForAction !== "function") {
        throw new Error(
            `${MODULE} no longer exports getResourceTypesForAction: update test/iamResourceTypes.ts to this iam-simulate`,
        );
    }
    return module as ResourceTypesModule;
}

const resourceTypes = load();

/** iam-simulate's own function, unkept: for checking the kept answers against it. */
export const libraryResourceTypes: ResourceTypesFor = resourceTypes.getResourceTypesForAction;

const answers = new Map<string, Promise<unknown[]>>();

/** The kept function iam-simulate calls from now on in this process; each caller gets its own array. */
export const keptResourceTypes: ResourceTypesFor = (service, action, resource) => {
    const key = `${service}:${action} ${resource}`;
    let answer = answers.get(key);
    if (!answer) {
        answer = libraryResourceTypes(service, action, resource);
        answers.set(key, answer);
    }
    return answer.then((types) => [...types]);
};

/** Whether iam-simulate has asked for this action's resource types on this ARN in this process. */
export function asked(fullAction: string, resource: string): boolean {
    return answers.has(`${fullAction} ${resource}`);
}

resourceTypes.getResourceTypesForAction = keptResourceTypes;
