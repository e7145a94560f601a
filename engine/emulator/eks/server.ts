/**
 * The EKS endpoint of the emulator: an HTTP server in front of moto that serves, in EKS's own wire protocol, the
 * routes moto lacks and the project calls (Pod Identity associations, add-ons; paths as in the EKS API reference),
 * and proxies every other request to moto unchanged. A fake route first asks moto for the cluster (DescribeCluster
 * with the caller's access key and region), so a cluster exists for the fake exactly when it exists in moto.
 *
 * Two corrections of moto on routes it does serve: cluster bodies get the cluster's own OIDC issuer (issuer.ts), and a
 * cluster deleted through this endpoint takes its associations and add-ons with it, as in EKS.
 *
 * Seed API (not AWS): `PUT /_emulator/addons` with `{region, clusterName, addonName, status}` puts an add-on in any
 * status (EksState.setAddon); it answers `{addon}`, or `{message}` with 400/404.
 */
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { IncomingMessage, ServerResponse, createServer, request as httpRequest } from "node:http";
import { AddressInfo } from "node:net";
import { withClusterIssuer } from "./issuer";
import { ClusterRef, EksState } from "./state";
import { EksError, credentialScope, jsonObject, readBody, sendError, sendJson } from "./wire";

type Operation = Exclude<keyof EksState, "forgetCluster" | "setAddon">;

interface Route {
    method: string;
    path: RegExp;
    operation: Operation;
    /** The path's captured members, in order. */
    params: string[];
}

/** The routes the fake serves (EKS API reference: method, path, members bound to the path). */
const ROUTES: Route[] = [
    {
        method: "POST",
        path: /^\/clusters\/([^/]+)\/pod-identity-associations$/,
        operation: "createPodIdentityAssociation",
        params: ["clusterName"],
    },
    {
        method: "GET",
        path: /^\/clusters\/([^/]+)\/pod-identity-associations$/,
        operation: "listPodIdentityAssociations",
        params: ["clusterName"],
    },
    {
        method: "GET",
        path: /^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/,
        operation: "describePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    {
        method: "POST",
        path: /^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/,
        operation: "updatePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    {
        method: "DELETE",
        path: /^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/,
        operation: "deletePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    { method: "POST", path: /^\/clusters\/([^/]+)\/addons$/, operation: "createAddon", params: ["clusterName"] },
    { method: "GET", path: /^\/clusters\/([^/]+)\/addons$/, operation: "listAddons", params: ["clusterName"] },
    {
        method: "GET",
        path: /^\/clusters\/([^/]+)\/addons\/([^/]+)$/,
        operation: "describeAddon",
        params: ["clusterName", "addonName"],
    },
    {
        method: "DELETE",
        path: /^\/clusters\/([^/]+)\/addons\/([^/]+)$/,
        operation: "deleteAddon",
        params: ["clusterName", "addonName"],
    },
];

/** moto's cluster routes whose `{cluster}` body the fake corrects (CreateCluster, DescribeCluster, DeleteCluster). */
const CLUSTER_BODY = /^\/clusters(\/[^/]+)?$/;

const SEED_ADDON_PATH = "/_emulator/addons";

export interface EksFakeOptions {
    /** moto's endpoint. */
    motoEndpoint: string;
    /** The access key the seed API asks moto with (the emulator's dummy key: it decides moto's account). */
    seedAccessKeyId: string;
}

export interface EksFake {
    /** `http://127.0.0.1:<port>`: the EKS endpoint clients use (AWS_ENDPOINT_URL_EKS). */
    readonly endpoint: string;
    readonly state: EksState;
    stop(): Promise<void>;
}

function routeOf(method: string, pathname: string): { route: Route; input: Record<string, string> } | undefined {
    for (const route of ROUTES) {
        const match = route.method === method ? route.path.exec(pathname) : null;
        if (match) {
            const input = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
            return { route, input };
        }
    }
    return undefined;
}

export async function startEksFake(options: EksFakeOptions): Promise<EksFake> {
    const state = new EksState();
    const moto = new URL(options.motoEndpoint);
    const clients = new Map<string, EKSClient>();

    /** The cluster as moto knows it, asked with the caller's key (moto's account) in the caller's region. */
    async function findCluster(accessKeyId: string, region: string, name: string): Promise<ClusterRef> {
        const key = `${accessKeyId} ${region}`;
        if (!clients.has(key)) {
            clients.set(
                key,
                new EKSClient({
                    region,
                    endpoint: options.motoEndpoint,
                    credentials: { accessKeyId, secretAccessKey: "emulator" },
                    maxAttempts: 1,
                }),
            );
        }
        try {
            const { cluster } = await clients.get(key)!.send(new DescribeClusterCommand({ name }));
            return { name, arn: cluster!.arn! };
        } catch (error) {
            if (error instanceof ResourceNotFoundException) {
                throw new EksError("ResourceNotFoundException", `No cluster found for name: ${name}.`, {
                    clusterName: name,
                });
            }
            throw error;
        }
    }

    async function serveFake(
        request: IncomingMessage,
        response: ServerResponse,
        url: URL,
        found: { route: Route; input: Record<string, string> },
    ) {
        const scope = credentialScope(request.headers.authorization);
        if (!scope) {
            response.writeHead(403, {
                "content-type": "application/json",
                "x-amzn-errortype": "MissingAuthenticationTokenException",
            });
            response.end(JSON.stringify({ message: "Missing Authentication Token" }));
            return;
        }
        const body = jsonObject(await readBody(request));
        const cluster = await findCluster(scope.accessKeyId, scope.region, found.input.clusterName);
        const input = { ...Object.fromEntries(url.searchParams), ...body, ...found.input };
        sendJson(response, 200, state[found.route.operation](cluster, input));
    }

    async function serveSeed(request: IncomingMessage, response: ServerResponse) {
        const body = jsonObject(await readBody(request));
        if (typeof body.region !== "string" || typeof body.clusterName !== "string") {
            throw new EksError("InvalidParameterException", "region and clusterName are required.");
        }
        const cluster = await findCluster(options.seedAccessKeyId, body.region, body.clusterName);
        sendJson(response, 200, state.setAddon(cluster, body));
    }

    /** Sends the request to moto as it came; a cluster body comes back with the cluster's own issuer. */
    function proxy(request: IncomingMessage, response: ServerResponse, pathname: string) {
        const corrects = CLUSTER_BODY.test(pathname);
        const upstream = httpRequest(
            {
                host: moto.hostname,
                port: moto.port,
                method: request.method,
                path: request.url,
                headers: request.headers,
            },
            (answer) => {
                if (!corrects) {
                    response.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(response);
                    return;
                }
                readBody(answer).then((raw) => {
                    let text = raw;
                    if (answer.statusCode === 200) {
                        const parsed = withClusterIssuer(JSON.parse(raw.toString("utf8")));
                        if (request.method === "DELETE" && parsed.cluster?.arn) {
                            state.forgetCluster(parsed.cluster.arn);
                        }
                        text = Buffer.from(JSON.stringify(parsed));
                    }
                    response.writeHead(answer.statusCode ?? 502, {
                        ...answer.headers,
                        "content-length": String(text.length),
                    });
                    response.end(text);
                }, fail);
            },
        );
        const fail = (error: Error) => {
            if (!response.headersSent) {
                sendError(response, new EksError("ServerException", `moto did not answer: ${error.message}`));
            } else {
                response.destroy(error);
            }
        };
        upstream.on("error", fail);
        request.pipe(upstream);
    }

    const server = createServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://emulator");
        const found = routeOf(request.method ?? "GET", url.pathname);
        if (!found && !(request.method === "PUT" && url.pathname === SEED_ADDON_PATH)) {
            proxy(request, response, url.pathname);
            return;
        }
        (found ? serveFake(request, response, url, found) : serveSeed(request, response)).catch((error: unknown) => {
            sendError(
                response,
                error instanceof EksError ? error : new EksError("ServerException", `${(error as Error).message}`),
            );
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    let stopping: Promise<void> | undefined;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        state,
        stop: () =>
            (stopping ??= new Promise<void>((resolve) => {
                clients.forEach((client) => client.destroy());
                server.close(() => resolve());
                server.closeAllConnections();
            })),
    };
}
