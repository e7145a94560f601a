/**
 * STS AssumeRole of a role that does not exist. moto 5.2.6 hands out credentials for any role ARN ("the role does not
 * need to exist", moto/sts/models.py assume_role), so a member account without the fleet's `--role` would look
 * reachable. STS refuses it: 403 AccessDenied, "User: … is not authorized to perform: sts:AssumeRole on resource: …"
 * (an error the SDK has no class for: it arrives as an STSServiceException named AccessDenied). This fake asks moto's
 * IAM for the role in the ARN's own account (moto's `x-moto-account-id` request header picks the account) and answers
 * AccessDenied when it is missing; every other STS request, and AssumeRole of a role that exists, goes to moto, which
 * keeps handing out credentials that it maps to the role's account. Trust policies are not evaluated (nor by moto).
 */
import { randomUUID } from "node:crypto";
import { GetRoleCommand, IAMClient, NoSuchEntityException } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Fake, FrontRequest, Reply, reply } from "../front";
import { xmlText } from "../iam/boundaryUsage";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

/** STS's AccessDenied answer, as the awsQuery protocol carries it. */
export function accessDeniedXml(caller: string, roleArn: string): string {
    return (
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
        `<Message>${xmlText(`User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)}</Message>` +
        `</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
    );
}

export class AssumeRoleFake implements Fake {
    constructor(private readonly motoEndpoint: string) {}

    private config(accessKeyId: string, region: string) {
        return {
            region,
            endpoint: this.motoEndpoint,
            credentials: { accessKeyId, secretAccessKey: "emulator" },
            maxAttempts: 1,
        };
    }

    /** Whether the role exists in `accountId`, asked as the caller (moto's account header names the account). */
    private async roleExists(accessKeyId: string, region: string, accountId: string, name: string): Promise<boolean> {
        const iam = new IAMClient(this.config(accessKeyId, region));
        iam.middlewareStack.add(
            (next) => (args) => {
                (args.request as { headers: Record<string, string> }).headers["x-moto-account-id"] = accountId;
                return next(args);
            },
            { step: "build", name: "motoAccount" },
        );
        try {
            await iam.send(new GetRoleCommand({ RoleName: name }));
            return true;
        } catch (error) {
            if (error instanceof NoSuchEntityException) {
                return false;
            }
            throw error;
        } finally {
            iam.destroy();
        }
    }

    private async callerArn(accessKeyId: string, region: string): Promise<string> {
        const sts = new STSClient(this.config(accessKeyId, region));
        try {
            return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? accessKeyId;
        } finally {
            sts.destroy();
        }
    }

    async serve(request: FrontRequest): Promise<Reply | undefined> {
        if (request.method !== "POST" || !/\/sts\/aws4_request/.test(request.headers.authorization ?? "")) {
            return undefined;
        }
        const params = new URLSearchParams(request.body.toString("utf8"));
        const roleArn = params.get("RoleArn") ?? "";
        const match = ROLE_ARN.exec(roleArn);
        if (params.get("Action") !== "AssumeRole" || !match || !request.scope) {
            return undefined;
        }
        const { accessKeyId, region } = request.scope;
        if (await this.roleExists(accessKeyId, region, match[1], match[2])) {
            return undefined;
        }
        const caller = await this.callerArn(accessKeyId, region);
        return reply(
            403,
            { "content-type": "text/xml", "x-amzn-requestid": randomUUID() },
            accessDeniedXml(caller, roleArn),
        );
    }
}
