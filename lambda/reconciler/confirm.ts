/** Tells the platform which clusters this account onboarded. A platform outage never fails the reconcile. */
import { Clock } from "./timing";
import { errorMessage, errorName } from "../../common/errors";

export const CONFIRMATION_PATH = "/svc/karpenter_manager/agents/cloudformation/onboarding-confirmation";

export interface Confirmation {
    clusterArns: string[];
    version: string;
    stackId: string;
    stackName: string;
    region: string;
    accountId: string;
}

export interface ConfirmOptions {
    apiUrl: string;
    token: string;
    timeoutMs: number;
    attempts: number;
    clock: Clock;
}

export type ConfirmOutcome =
    { sent: true; status: number; attempts: number } | { sent: false; error: string; attempts: number };

export function confirmationBody(c: Confirmation): Record<string, unknown> {
    return {
        cluster_arns: c.clusterArns,
        cloudformation_version: c.version,
        version: c.version,
        stack_id: c.stackId,
        stack_name: c.stackName,
        region_name: c.region,
        account_id: c.accountId,
    };
}

/** POSTs the confirmation with a timeout per attempt, retrying 5xx, 429 and network errors with back-off. */
export async function sendConfirmation(confirmation: Confirmation, options: ConfirmOptions): Promise<ConfirmOutcome> {
    let lastError = "";
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
        try {
            const response = await fetch(`${options.apiUrl}${CONFIRMATION_PATH}`, {
                method: "POST",
                headers: { "Content-Type": "application/json", "X-Nops-Api-Key": options.token },
                body: JSON.stringify(confirmationBody(confirmation)),
                signal: AbortSignal.timeout(options.timeoutMs),
            });
            await response.arrayBuffer();
            if (response.ok) {
                return { sent: true, status: response.status, attempts: attempt };
            }
            lastError = `HTTP ${response.status}`;
            if (response.status < 500 && response.status !== 429) {
                return { sent: false, error: lastError, attempts: attempt };
            }
        } catch (error) {
            lastError =
                errorName(error) === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : errorMessage(error);
        }
        if (attempt < options.attempts) {
            await options.clock.sleep(250 * 2 ** (attempt - 1));
        }
    }
    return { sent: false, error: lastError, attempts: options.attempts };
}
