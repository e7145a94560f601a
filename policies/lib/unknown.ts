/**
 * Values the engine cannot know during preview, handled here and nowhere else: this is the one module that relies on
 * @pulumi/policy's internals (the sentinel strings, the proxy's target key, the error it turns into an advisory
 * "unknown" note), which @pulumi/policy does not export as API. test/policies/policyInternals.test.ts reads them from
 * @pulumi/policy itself and fails when an upgrade changes one; the version is pinned exactly in policies/package.json.
 * The engine sends an unknown as a whole
 * property value equal to one of its sentinel strings, and @pulumi/policy hands policies those values only inside its
 * unknown-checking proxy. So a sentinel is an unknown only there: plainProps turns each whole-value sentinel of a proxied
 * object into the UNKNOWN symbol, which no program, export or manifest can contain. A sentinel written literally in a
 * known value (a string inside a policy document, a stack export, a manifest read by the offline check) is just text.
 */
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";

export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The string the engine sends for a string it cannot know yet (tests that replay a preview use it too). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A value unknown during preview, as policies see it. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

export function isUnknown(value: unknown): value is typeof UNKNOWN {
    return value === UNKNOWN;
}

/** Whether any value inside is unknown (without recursion). */
export function containsUnknown(value: unknown): boolean {
    const stack = [value];
    while (stack.length > 0) {
        const node = stack.pop();
        if (node === UNKNOWN) {
            return true;
        }
        if (typeof node === "object" && node !== null) {
            for (const child of Object.values(node)) {
                stack.push(child);
            }
        }
    }
    return false;
}

/** @pulumi/policy's unknown-checking proxy answers this key with the object it wraps. */
export const PROXY_TARGET = "__getSpecialProxyTarget";

/** Props as the engine hands them to a policy during preview: behind @pulumi/policy's unknown-checking proxy. */
export function previewProps(props: Record<string, unknown>): Record<string, unknown> {
    return unknownCheckingProxy(props);
}

/**
 * Hands findings about unknown values to the engine: @pulumi/policy reports a policy that throws its
 * UnknownValueError as an advisory note ("can't run policy during preview"), not as a violation.
 */
export function reportUnknowns(message: string): never {
    const error = new UnknownValueError(UNKNOWN_STRING, []);
    error.message = message;
    throw error;
}

/** Whether a policy stopped on a value unknown during preview (see reportUnknowns). */
export function isUnknownValueError(error: unknown): error is Error {
    return error instanceof UnknownValueError;
}

const isPlainContainer = (value: unknown): value is object =>
    Array.isArray(value) ||
    (typeof value === "object" && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value)));

/** A copy of the engine's props with each whole-value sentinel replaced by UNKNOWN, built without recursion. */
function withUnknowns(target: Record<string, unknown>): Record<string, unknown> {
    const convert = (value: unknown) => (typeof value === "string" && UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value);
    const copyOf = (value: object) => (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    const root = copyOf(target);
    const stack: Record<string, unknown>[] = [root];
    while (stack.length > 0) {
        const node = stack.pop()!;
        for (const key of Object.keys(node)) {
            const value = node[key];
            if (isPlainContainer(value)) {
                node[key] = copyOf(value);
                stack.push(node[key] as Record<string, unknown>);
            } else {
                node[key] = convert(value);
            }
        }
    }
    return root;
}

const converted = new WeakMap<object, Record<string, unknown>>();

/**
 * The props a policy reads. Through @pulumi/policy's proxy (the engine, or a test replaying a preview), the engine's
 * sentinels become UNKNOWN; plain props (the offline check of exports and manifests) hold no unknowns at all.
 */
export function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    if (typeof target !== "object" || target === null) {
        return props;
    }
    let result = converted.get(target);
    if (!result) {
        result = withUnknowns(target as Record<string, unknown>);
        converted.set(target, result);
    }
    return result;
}
