/**
 * A region whose EKS calls are all denied, as for a deployer whose policy (or an SCP) leaves the region out: every
 * signed EKS request for a denied region answers 403 AccessDeniedException, in EKS's wire protocol, before moto or
 * the EKS fake see it. Other services, and EKS in other regions, are unaffected.
 *
 * Seed API (not AWS): `PUT /_emulator/denied-regions` with `{region, denied}` denies a region or lifts the denial;
 * it answers `{deniedRegions}`.
 */
import { Fake, FrontRequest, Reply } from "../front";
import { EksError, errorReply, jsonObject, jsonReply } from "./wire";

export const SEED_DENIAL_PATH = "/_emulator/denied-regions";

export class RegionDenialFake implements Fake {
    private readonly denied = new Set<string>();

    async serve(request: FrontRequest): Promise<Reply | undefined> {
        if (request.method === "PUT" && request.url.pathname === SEED_DENIAL_PATH) {
            return this.seed(request);
        }
        const signedForEks = /\/eks\/aws4_request/.test(request.headers.authorization ?? "");
        if (!signedForEks || !request.scope || !this.denied.has(request.scope.region)) {
            return undefined;
        }
        return errorReply(
            new EksError(
                "AccessDeniedException",
                `User: ${request.scope.accessKeyId} is not authorized to perform this EKS action in region ` +
                    `${request.scope.region} with an explicit deny`,
            ),
        );
    }

    private seed(request: FrontRequest): Reply {
        try {
            const body = jsonObject(request.body);
            if (typeof body.region !== "string" || typeof body.denied !== "boolean") {
                throw new EksError(
                    "InvalidParameterException",
                    "region (a string) and denied (a boolean) are required.",
                );
            }
            if (body.denied) {
                this.denied.add(body.region);
            } else {
                this.denied.delete(body.region);
            }
            return jsonReply({ deniedRegions: [...this.denied].sort() });
        } catch (error) {
            return errorReply(error as EksError);
        }
    }
}
