/** Whether a run's trouble is the whole run's: pure, so the rule is tested without a Lambda. */
import { ReconcileResult } from "./types";

const SHOWN_REASONS = 3;

/**
 * Why a deploy-time run must fail the deploy: no region could be read, or not one cluster could be handled (every
 * result failed or deferred). Partial trouble returns undefined: it is reported per cluster and the deploy goes on.
 */
export function nothingHandled(result: ReconcileResult): string | undefined {
    const regions = Object.entries(result.regions);
    if (regions.length > 0 && regions.every(([, region]) => region.error)) {
        return `no region could be read: ${regions.map(([name, region]) => `${name}: ${region.error}`).join("; ")}`;
    }
    const { created, updated, unchanged, deleted } = result.counts;
    const troubled = result.results.filter((r) => r.outcome === "failed" || r.outcome === "deferred");
    if (created + updated + unchanged + deleted > 0 || troubled.length === 0) {
        return undefined;
    }
    const shown = troubled
        .slice(0, SHOWN_REASONS)
        .map((r) => `${r.roleName ?? `association of ${r.cluster}`} ${r.outcome}: ${r.reason}`);
    const more = troubled.length > SHOWN_REASONS ? `; and ${troubled.length - SHOWN_REASONS} more` : "";
    return `not one of ${troubled.length} roles or associations could be handled: ${shown.join("; ")}${more}`;
}

/** A deploy-time run that achieved nothing: thrown, so that Lambda answers with a FunctionError and `pulumi up` fails. */
export class ReconcileFailed extends Error {
    override name = "ReconcileFailed";
}
