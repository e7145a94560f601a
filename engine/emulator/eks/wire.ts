/**
 * EKS's wire protocol (restJson1) as the fake speaks it: JSON bodies, epoch-second timestamps, and errors as the
 * service sends them (the `x-amzn-ErrorType` header names the error, the body carries `message` and the modeled
 * members), so that @aws-sdk/client-eks's own deserializers turn them into its exported exception classes.
 */
import { randomUUID } from "node:crypto";
import { Reply, reply } from "../front";

/** The EKS errors the fake answers with, and their HTTP status (the `httpError` of each in the EKS service model). */
export const EKS_ERROR_STATUS = {
    AccessDeniedException: 403,
    InvalidParameterException: 400,
    InvalidRequestException: 400,
    ResourceLimitExceededException: 400,
    ResourceInUseException: 409,
    ResourceNotFoundException: 404,
    ServerException: 500,
} as const;

export type EksErrorCode = keyof typeof EKS_ERROR_STATUS;

/** Members an EKS error may carry besides its message (which ones depends on the error, as in the model). */
export interface EksErrorMembers {
    clusterName?: string;
    addonName?: string;
}

/** An EKS error the fake answers with (thrown by the state, written by the server). */
export class EksError extends Error {
    constructor(
        readonly code: EksErrorCode,
        message: string,
        readonly members: EksErrorMembers = {},
    ) {
        super(message);
        this.name = code;
    }
}

function headers(extra: Record<string, string> = {}) {
    return { "content-type": "application/json", "x-amzn-requestid": randomUUID(), ...extra };
}

export function jsonReply(body: unknown): Reply {
    return reply(200, headers(), JSON.stringify(body));
}

export function errorReply(error: EksError): Reply {
    return reply(
        EKS_ERROR_STATUS[error.code],
        headers({ "x-amzn-errortype": error.code }),
        JSON.stringify({ ...error.members, message: error.message }),
    );
}

/** A request's JSON body as an object; an empty body is `{}`. */
export function jsonObject(body: Buffer): Record<string, unknown> {
    if (body.length === 0) {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(body.toString("utf8"));
    } catch {
        throw new EksError("InvalidParameterException", "The request body is not valid JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new EksError("InvalidParameterException", "The request body must be a JSON object.");
    }
    return parsed as Record<string, unknown>;
}

/** Seconds since the epoch, as restJson1 writes timestamps by default. */
export function epochSeconds(date: Date): number {
    return date.getTime() / 1000;
}
