/** The errors the fake account answers with, as each service sends them. */
import { WireError } from "../wire/codec";

export type ErrorName =
    | "NoSuchEntity"
    | "EntityAlreadyExists"
    | "Throttling"
    | "LimitExceeded"
    | "ValidationError"
    | "DeleteConflict"
    | "AccessDenied"
    | "ResourceNotFoundException"
    | "InvalidParameterException"
    | "NoSuchKey"
    | "NoSuchBucket"
    | "PreconditionFailed"
    | "ConditionalRequestConflict"
    | "SlowDown"
    | "InternalError";

/**
 * An error the fake answers with, as the service sends it: wire code, message, HTTP status. The SDK's own deserializer
 * turns it into what the code under test sees (IAM's NoSuchEntity arrives as NoSuchEntityException).
 */
export function awsError(code: ErrorName | string, message: string, status = 400): WireError {
    return new WireError(code, message, status);
}

/** How each service says "not allowed": its wire code and HTTP status. */
export const ACCESS_DENIED: Record<string, [string, number]> = {
    iam: ["AccessDenied", 403],
    sts: ["AccessDenied", 403],
    s3: ["AccessDenied", 403],
    eks: ["AccessDeniedException", 403],
    secretsmanager: ["AccessDeniedException", 400],
    events: ["AccessDeniedException", 400],
    logs: ["AccessDeniedException", 400],
    sqs: ["AccessDenied", 403],
};
