/**
 * EKS's restJson1 protocol: the operation is the method and the path (`GET /clusters/{name}`), members travel in the
 * path, the query string and a JSON body; errors carry their code in `x-amzn-errortype` and the HTTP status.
 */
import { Codec, REQUEST_ID, WireError, WireRequest, WireResponse } from "./codec";

/** Method, path template and operation, for the EKS operations the project calls. */
const ROUTES: Array<[string, string, string]> = [
    ["GET", "/clusters", "ListClusters"],
    ["GET", "/clusters/{name}", "DescribeCluster"],
    ["GET", "/clusters/{clusterName}/addons/{addonName}", "DescribeAddon"],
    ["GET", "/clusters/{clusterName}/pod-identity-associations", "ListPodIdentityAssociations"],
    ["POST", "/clusters/{clusterName}/pod-identity-associations", "CreatePodIdentityAssociation"],
    ["GET", "/clusters/{clusterName}/pod-identity-associations/{associationId}", "DescribePodIdentityAssociation"],
    ["POST", "/clusters/{clusterName}/pod-identity-associations/{associationId}", "UpdatePodIdentityAssociation"],
    ["DELETE", "/clusters/{clusterName}/pod-identity-associations/{associationId}", "DeletePodIdentityAssociation"],
];

/** Query members the fake reads as numbers. */
const NUMBERS = new Set(["maxResults"]);

function route(method: string, path: string): { operation: string; params: Record<string, string> } | undefined {
    const segments = path.split("/").slice(1);
    for (const [routeMethod, template, operation] of ROUTES) {
        const parts = template.split("/").slice(1);
        if (routeMethod !== method || parts.length !== segments.length) {
            continue;
        }
        const params: Record<string, string> = {};
        const matches = parts.every((part, i) => {
            if (part.startsWith("{")) {
                params[part.slice(1, -1)] = decodeURIComponent(segments[i]);
                return true;
            }
            return part === segments[i];
        });
        if (matches) {
            return { operation, params };
        }
    }
    return undefined;
}

export const eksRestJson: Codec = {
    decode(request: WireRequest) {
        const found = route(request.method, request.path);
        if (!found) {
            throw new Error(`the fake EKS has no operation for ${request.method} ${request.path}`);
        }
        const query = Object.fromEntries(
            Object.entries(request.query)
                .filter(([, value]) => typeof value === "string")
                .map(([name, value]) => [name, NUMBERS.has(name) ? Number(value) : value]),
        );
        const text = request.body.toString("utf8");
        return {
            operation: found.operation,
            input: { ...query, ...(text === "" ? {} : JSON.parse(text)), ...found.params },
        };
    },

    encode(_operation: string, output: Record<string, any>): WireResponse {
        return {
            statusCode: 200,
            headers: { "content-type": "application/json", "x-amzn-requestid": REQUEST_ID },
            body: JSON.stringify(output),
        };
    },

    error(_operation: string, error: WireError): WireResponse {
        return {
            statusCode: error.status,
            headers: {
                "content-type": "application/json",
                "x-amzn-requestid": REQUEST_ID,
                "x-amzn-errortype": `${error.code}:http://internal.amazon.com/coral/com.amazonaws.eks/`,
            },
            body: JSON.stringify({ message: error.message }),
        };
    },
};
