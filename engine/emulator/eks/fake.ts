/**
 * The EKS fake: serves, in EKS's own wire protocol, the routes moto lacks and the project calls (Pod Identity
 * associations, add-ons; paths as in the EKS API reference). A route first asks moto for the cluster (DescribeCluster
 * with the caller's access key and region), so a cluster exists for the fake exactly when it exists in moto.
 *
 * Corrections of moto on its own cluster routes: cluster bodies get the cluster's own OIDC issuer (issuer.ts), and a
 * cluster deleted through this endpoint takes its associations and add-ons with it, as in EKS.
 *
 * Seed API (not AWS): `PUT /_emulator/addons` with `{region, clusterName, addonName, status}` puts an add-on in any
 * status (EksState.setAddon); it answers `{addon}`, or EKS's error shape with 400/404.
 */
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { Fake, FrontRequest, Reply, reply } from "../front";
import { withClusterIssuer } from "./issuer";
import { ClusterRef, EksState } from "./state";
import { EksError, errorReply, jsonObject, jsonReply } from "./wire";

type Operation = Exclude<keyof EksState, "forgetCluster" | "setAddon">;

interface Route {
    method: string;
    path: RegExp;
    operation: Operation;
    /** The path's captured members, in order. */
    params: string[];
}

const ASSOCIATIONS = /^\/clusters\/([^/]+)\/pod-identity-associations$/;
const ASSOCIATION = /^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/;
const ADDONS = /^\/clusters\/([^/]+)\/addons$/;
const ADDON = /^\/clusters\/([^/]+)\/addons\/([^/]+)$/;

/** The routes the fake serves (EKS API reference: method, path, members bound to the path). */
const ROUTES: Route[] = [
    { method: "POST", path: ASSOCIATIONS, operation: "createPodIdentityAssociation", params: ["clusterName"] },
    { method: "GET", path: ASSOCIATIONS, operation: "listPodIdentityAssociations", params: ["clusterName"] },
    {
        method: "GET",
        path: ASSOCIATION,
        operation: "describePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    {
        method: "POST",
        path: ASSOCIATION,
        operation: "updatePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    {
        method: "DELETE",
        path: ASSOCIATION,
        operation: "deletePodIdentityAssociation",
        params: ["clusterName", "associationId"],
    },
    { method: "POST", path: ADDONS, operation: "createAddon", params: ["clusterName"] },
    { method: "GET", path: ADDONS, operation: "listAddons", params: ["clusterName"] },
    { method: "GET", path: ADDON, operation: "describeAddon", params: ["clusterName", "addonName"] },
    { method: "DELETE", path: ADDON, operation: "deleteAddon", params: ["clusterName", "addonName"] },
];

/** moto's cluster routes whose `{cluster}` body the fake corrects (CreateCluster, DescribeCluster, DeleteCluster). */
const CLUSTER_BODY = /^\/clusters(\/[^/]+)?$/;

export const SEED_ADDON_PATH = "/_emulator/addons";

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

/** Signed EKS requests only: IAM's requests reach the same front and are none of this fake's business. */
function isEks(request: FrontRequest): boolean {
    return /\/eks\/aws4_request/.test(request.headers.authorization ?? "");
}

export class EksFake implements Fake {
    readonly state = new EksState();
    private readonly clients = new Map<string, EKSClient>();

    constructor(
        private readonly motoEndpoint: string,
        /** The access key the seed API asks moto with (the emulator's own: it decides moto's account). */
        private readonly seedAccessKeyId: string,
    ) {}

    /** The cluster as moto knows it, asked with the caller's key (moto's account) in the caller's region. */
    private async cluster(accessKeyId: string, region: string, name: string): Promise<ClusterRef> {
        const key = `${accessKeyId} ${region}`;
        let client = this.clients.get(key);
        if (!client) {
            client = new EKSClient({
                region,
                endpoint: this.motoEndpoint,
                credentials: { accessKeyId, secretAccessKey: "emulator" },
                maxAttempts: 1,
            });
            this.clients.set(key, client);
        }
        try {
            const { cluster } = await client.send(new DescribeClusterCommand({ name }));
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

    async serve(request: FrontRequest): Promise<Reply | undefined> {
        const seeding = request.method === "PUT" && request.url.pathname === SEED_ADDON_PATH;
        const found = isEks(request) ? routeOf(request.method, request.url.pathname) : undefined;
        if (!seeding && !found) {
            return undefined;
        }
        try {
            const body = jsonObject(request.body);
            if (seeding) {
                if (typeof body.region !== "string" || typeof body.clusterName !== "string") {
                    throw new EksError("InvalidParameterException", "region and clusterName are required.");
                }
                const cluster = await this.cluster(this.seedAccessKeyId, body.region, body.clusterName);
                return jsonReply(this.state.setAddon(cluster, body));
            }
            const cluster = await this.cluster(
                request.scope!.accessKeyId,
                request.scope!.region,
                found!.input.clusterName,
            );
            const input = { ...Object.fromEntries(request.url.searchParams), ...body, ...found!.input };
            return jsonReply(this.state[found!.route.operation](cluster, input));
        } catch (error) {
            return errorReply(
                error instanceof EksError ? error : new EksError("ServerException", (error as Error).message),
            );
        }
    }

    correct(request: FrontRequest, answer: Reply): Reply {
        if (!isEks(request) || answer.status !== 200 || !CLUSTER_BODY.test(request.url.pathname)) {
            return answer;
        }
        const corrected = withClusterIssuer(JSON.parse(answer.body.toString("utf8")));
        if (request.method === "DELETE" && corrected.cluster?.arn) {
            this.state.forgetCluster(corrected.cluster.arn);
        }
        return reply(answer.status, answer.headers, JSON.stringify(corrected));
    }

    destroy(): void {
        this.clients.forEach((client) => client.destroy());
    }
}
