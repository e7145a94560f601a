/**
 * IAM's ListEntitiesForPolicy with `PolicyUsageFilter=PermissionsBoundary`: which roles and users a managed policy
 * bounds. moto 5.2.6 ignores PolicyUsageFilter and lists only the entities a policy is attached to, never those it
 * bounds, and answers a missing policy with an empty list (moto/iam/responses.py, list_entities_for_policy). The
 * reconciler reads its roles' boundaries with this one call per run, so against moto it would see every role without
 * its boundary and put it back on every run. This fake answers that request from moto's own state: the roles
 * (ListRoles under PathPrefix) and users whose GetRole/GetUser names the policy as boundary, in IAM's awsQuery XML;
 * a missing policy is NoSuchEntity (404), as in IAM. Every other IAM request goes to moto.
 */
import { randomUUID } from "node:crypto";
import {
    GetPolicyCommand,
    GetRoleCommand,
    GetUserCommand,
    IAMClient,
    NoSuchEntityException,
    paginateListRoles,
    paginateListUsers,
} from "@aws-sdk/client-iam";
import { Fake, FrontRequest, Reply, reply } from "../front";

const NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

interface Entity {
    kind: "Role" | "User";
    name: string;
    id: string;
}

export function xmlText(value: string): string {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function xmlReply(status: number, xml: string): Reply {
    return reply(status, { "content-type": "text/xml", "x-amzn-requestid": randomUUID() }, xml);
}

function noSuchEntity(message: string): Reply {
    return xmlReply(
        404,
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
            `<Message>${xmlText(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}

/** One page of the answer, in ListEntitiesForPolicyResponse's shape. */
export function boundaryUsageXml(entities: Entity[], page: { start: number; maxItems: number }): string {
    const items = entities.slice(page.start, page.start + page.maxItems);
    const truncated = page.start + page.maxItems < entities.length;
    const members = (kind: Entity["kind"]) =>
        items
            .filter((e) => e.kind === kind)
            .map(
                (e) =>
                    `<member><${kind}Name>${xmlText(e.name)}</${kind}Name><${kind}Id>${xmlText(e.id)}</${kind}Id></member>`,
            )
            .join("");
    return (
        `<ListEntitiesForPolicyResponse xmlns="${NAMESPACE}"><ListEntitiesForPolicyResult>` +
        `<PolicyGroups/><PolicyUsers>${members("User")}</PolicyUsers><PolicyRoles>${members("Role")}</PolicyRoles>` +
        `<IsTruncated>${truncated}</IsTruncated>` +
        (truncated ? `<Marker>${page.start + page.maxItems}</Marker>` : "") +
        `</ListEntitiesForPolicyResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
        `</ListEntitiesForPolicyResponse>`
    );
}

export class BoundaryUsageFake implements Fake {
    private readonly clients = new Map<string, IAMClient>();

    constructor(private readonly motoEndpoint: string) {}

    private client(accessKeyId: string, region: string): IAMClient {
        let client = this.clients.get(accessKeyId);
        if (!client) {
            client = new IAMClient({
                region,
                endpoint: this.motoEndpoint,
                credentials: { accessKeyId, secretAccessKey: "emulator" },
                maxAttempts: 1,
            });
            this.clients.set(accessKeyId, client);
        }
        return client;
    }

    async serve(request: FrontRequest): Promise<Reply | undefined> {
        if (request.method !== "POST" || !/\/iam\/aws4_request/.test(request.headers.authorization ?? "")) {
            return undefined;
        }
        const params = new URLSearchParams(request.body.toString("utf8"));
        const entityFilter = params.get("EntityFilter");
        if (
            params.get("Action") !== "ListEntitiesForPolicy" ||
            params.get("PolicyUsageFilter") !== "PermissionsBoundary" ||
            (entityFilter !== null && entityFilter !== "Role" && entityFilter !== "User")
        ) {
            return undefined;
        }
        const iam = this.client(request.scope!.accessKeyId, request.scope!.region);
        const policyArn = params.get("PolicyArn") ?? "";
        try {
            await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
        } catch (error) {
            if (error instanceof NoSuchEntityException) {
                return noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`);
            }
            throw error;
        }
        const pathPrefix = params.get("PathPrefix") ?? undefined;
        const entities: Entity[] = [];
        if (entityFilter !== "User") {
            for await (const page of paginateListRoles({ client: iam }, { PathPrefix: pathPrefix })) {
                for (const listed of page.Roles ?? []) {
                    const { Role } = await iam.send(new GetRoleCommand({ RoleName: listed.RoleName }));
                    if (Role?.PermissionsBoundary?.PermissionsBoundaryArn === policyArn) {
                        entities.push({ kind: "Role", name: Role.RoleName!, id: Role.RoleId! });
                    }
                }
            }
        }
        if (entityFilter !== "Role") {
            for await (const page of paginateListUsers({ client: iam }, { PathPrefix: pathPrefix })) {
                for (const listed of page.Users ?? []) {
                    const { User } = await iam.send(new GetUserCommand({ UserName: listed.UserName }));
                    if (User?.PermissionsBoundary?.PermissionsBoundaryArn === policyArn) {
                        entities.push({ kind: "User", name: User.UserName!, id: User.UserId! });
                    }
                }
            }
        }
        const start = Number(params.get("Marker") ?? 0);
        const maxItems = Number(params.get("MaxItems") ?? 100);
        return xmlReply(200, boundaryUsageXml(entities, { start, maxItems }));
    }

    destroy(): void {
        this.clients.forEach((client) => client.destroy());
    }
}
