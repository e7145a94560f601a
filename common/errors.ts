/** Reading errors of unknown shape (AWS SDK v3 service errors carry the service's error code as `name`). */
import { isPlainObject } from "./objects";

/** The error's name (an AWS SDK error's code, e.g. NoSuchEntity), or undefined when it has none. */
export function errorName(error: unknown): string | undefined {
    const name = error instanceof Error || isPlainObject(error) ? error.name : undefined;
    return typeof name === "string" ? name : undefined;
}

/** The error's message, or the thrown value as text when it is not an Error. */
export function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** `Name: message`, as logs and reports show an error. */
export function errorText(error: unknown): string {
    return `${errorName(error) ?? "Error"}: ${errorMessage(error)}`;
}

/**
 * An invoke's failure in one line, as the provider words it: without the engine's own "invocation of <token>
 * returned an error: " before it (the real engine adds it; the stand-in provider's engine test shows it).
 */
export const describeError = (error: unknown) =>
    String((error as Error)?.message ?? error)
        .replace(/^invocation of \S+ returned an error: /, "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join(" ");
