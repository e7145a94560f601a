/** What each service module of the fake account declares: its operations and how IAM authorizes them. */
import { AuthRequest } from "../iamPolicy";
import { AccountState } from "./state";

/** One API operation: what AWS answers (or throws) for this input, against the account's state. */
export type Operation = (account: AccountState, input: any, region: string) => unknown;

export interface ServiceSpec {
    /** The signing name (iam, eks, s3...): the actions' prefix and the service's access-denied error. */
    service: string;
    /** By operation name (the SDK's command name without "Command"). */
    operations: Record<string, Operation>;
    /** The operations that write: paced by the latency options and counted as accepted writes. */
    writes?: readonly string[];
    /** The requests IAM authorizes for one call; the action on "*" when absent. */
    authRequests?: (
        account: AccountState,
        operation: string,
        input: Record<string, any>,
        region: string,
    ) => AuthRequest[];
}
