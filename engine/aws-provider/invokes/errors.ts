/**
 * Data source errors worded as terraform-provider-aws words them: a missing object is "couldn't find resource"
 * (terraform-plugin-sdk's retry.NotFoundError) or "no matching <X> found" (tfresource.SingularDataSourceFindError);
 * any other failure carries the AWS SDK for Go v2's operation error text.
 */
export class DataSourceError extends Error {}

export function notFound(what: string): DataSourceError {
    return new DataSourceError(`reading ${what}: couldn't find resource`);
}

export function noMatching(what: string): DataSourceError {
    return new DataSourceError(`no matching ${what} found`);
}

/** `reading <what>: operation error <Service>: <Operation>, https response error StatusCode: …, <Code>: <message>`. */
export function failed(what: string, service: string, operation: string, error: unknown): DataSourceError {
    const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
    if (metadata?.httpStatusCode) {
        return new DataSourceError(
            `reading ${what}: operation error ${service}: ${operation}, https response error StatusCode: ` +
                `${metadata.httpStatusCode}, RequestID: ${metadata.requestId ?? ""}, ${(error as Error).name}: ${(error as Error).message}`,
        );
    }
    return new DataSourceError(
        `reading ${what}: operation error ${service}: ${operation}, ${(error as Error).message}`,
    );
}
