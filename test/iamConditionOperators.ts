/**
 * iam-policy reads a condition's operator (`StringEqualsIfExists`, `ForAnyValue:StringLike`) anew each time
 * iam-simulate evaluates the condition: its base operator, whether it is `...IfExists`, its set operator, each a
 * locale-aware case-insensitive comparison. The suite evaluates the same few dozen operators hundreds of thousands of
 * times, and those comparisons were about a twentieth of the suite's CPU. Each answer depends only on the operator's
 * text, so this keeps it per process, on iam-policy's own class (at the exact version package.json pins); every
 * answer is still iam-policy's. test/iamSimulator.test.ts checks that the kept answers are the library's own.
 */
import { dirname, join } from "node:path";

type OperatorReading = "baseOperator" | "isIfExists" | "setOperator";
export const READINGS: readonly OperatorReading[] = ["baseOperator", "isIfExists", "setOperator"];

interface ConditionOperation {
    op: string;
}
type Reading = (this: ConditionOperation) => unknown;

/** The iam-policy iam-simulate itself loads. */
const MODULE = join(
    dirname(
        require.resolve("@cloud-copilot/iam-policy", {
            paths: [dirname(require.resolve("@cloud-copilot/iam-simulate"))],
        }),
    ),
    "conditions",
    "conditionOperation.js",
) as string;

type OperationClass = new (op: string) => ConditionOperation & Record<OperatorReading, () => unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const operationClass = (require(MODULE) as { ConditionOperationImpl?: OperationClass }).ConditionOperationImpl;

/** iam-policy's reading of an operator, as iam-simulate makes it. */
export function operationOf(op: string): InstanceType<OperationClass> {
    return new operationClass!(op);
}

function load(): Record<OperatorReading, Reading> {
    const prototype = operationClass?.prototype as Record<string, unknown> | undefined;
    const missing = READINGS.filter((name) => typeof prototype?.[name] !== "function");
    if (prototype === undefined || missing.length > 0) {
        throw new Error(
            `${MODULE} no longer has ConditionOperationImpl.${missing.join(", ")}: update test/iamConditionOperators.ts to this iam-policy`,
        );
    }
    return prototype as unknown as Record<OperatorReading, Reading>;
}

const prototype = load();

/** iam-policy's own readings, unkept: for checking the kept answers against them. */
export const libraryReadings = Object.fromEntries(READINGS.map((name) => [name, prototype[name]])) as Record<
    OperatorReading,
    Reading
>;

const read = new Set<string>();

/** Whether iam-simulate has read this operator in this process. */
export function operatorRead(op: string): boolean {
    return read.has(op);
}

function kept(name: OperatorReading): Reading {
    const original = libraryReadings[name];
    // An operator the library rejects (an unknown set operator) throws each time, as before: only answers are kept.
    const answers = new Map<string, unknown>();
    return function (this: ConditionOperation) {
        if (!answers.has(this.op)) {
            read.add(this.op);
            answers.set(this.op, original.call(this));
        }
        return answers.get(this.op);
    };
}

for (const name of READINGS) {
    prototype[name] = kept(name);
}
