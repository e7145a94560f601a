/**
 * The engine tier emulator's pure parts, which need no moto: the EKS fake's state rules, the per-cluster issuer, and the
 * parsing the launcher and the fake rely on. The emulator itself is checked against the real SDK in test/engine/.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportLines } from "../engine/emulator/cli";
import { clusterIssuer, withClusterIssuer } from "../engine/emulator/eks/issuer";
import { EksState } from "../engine/emulator/eks/state";
import { EksError } from "../engine/emulator/eks/wire";
import { credentialScope } from "../engine/emulator/front";
import { interpreterOf, listeningPort } from "../engine/emulator/moto";

const cluster = { name: "alpha", arn: "arn:aws:eks:eu-west-1:111122223333:cluster/alpha" };
const ROLE = "arn:aws:iam::111122223333:role/agent";

function eksError(call: () => unknown): EksError {
    try {
        call();
    } catch (error) {
        assert.ok(error instanceof EksError, String(error));
        return error;
    }
    assert.fail("expected an EksError");
}

describe("emulator parts", () => {
    it("pages associations with an opaque token until every one is listed once", () => {
        const state = new EksState();
        for (let i = 0; i < 5; i++) {
            state.createPodIdentityAssociation(cluster, { namespace: "n", serviceAccount: `sa${i}`, roleArn: ROLE });
        }
        const seen: string[] = [];
        let nextToken: string | undefined;
        do {
            const page = state.listPodIdentityAssociations(cluster, { maxResults: "2", nextToken });
            seen.push(...page.associations.map((a) => a.serviceAccount));
            nextToken = page.nextToken;
        } while (nextToken);
        assert.deepEqual(seen, ["sa0", "sa1", "sa2", "sa3", "sa4"]);
        assert.equal(
            eksError(() => state.listPodIdentityAssociations(cluster, { nextToken: "!!" })).code,
            "InvalidParameterException",
        );
    });

    it("keeps one association per namespace and service account, the same name in another namespace allowed", () => {
        const state = new EksState();
        state.createPodIdentityAssociation(cluster, { namespace: "a", serviceAccount: "sa", roleArn: ROLE });
        state.createPodIdentityAssociation(cluster, { namespace: "b", serviceAccount: "sa", roleArn: ROLE });
        const error = eksError(() =>
            state.createPodIdentityAssociation(cluster, { namespace: "a", serviceAccount: "sa", roleArn: ROLE }),
        );
        assert.equal(error.code, "ResourceInUseException");
        assert.deepEqual(error.members, { clusterName: "alpha" });
    });

    it("derives an issuer per cluster: stable for one cluster, new for a recreated one, on moto's host", () => {
        const mockIssuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/AbCdEfGhIj";
        const first = clusterIssuer({ arn: cluster.arn, createdAt: 1, mockIssuer });
        assert.equal(clusterIssuer({ arn: cluster.arn, createdAt: 1, mockIssuer }), first);
        assert.notEqual(clusterIssuer({ arn: cluster.arn, createdAt: 2, mockIssuer }), first);
        assert.notEqual(clusterIssuer({ arn: `${cluster.arn}2`, createdAt: 1, mockIssuer }), first);
        assert.match(first, /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
        const body = withClusterIssuer({
            cluster: { arn: cluster.arn, createdAt: 1, identity: { oidc: { issuer: mockIssuer } } },
        });
        assert.equal(body.cluster!.identity!.oidc!.issuer, first);
    });

    it("reads the signer's key and region from a SigV4 Authorization header", () => {
        assert.deepEqual(
            credentialScope(
                "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/ap-south-1/eks/aws4_request, SignedHeaders=host, Signature=ab",
            ),
            { accessKeyId: "AKIAEXAMPLE", region: "ap-south-1" },
        );
        assert.equal(credentialScope(undefined), undefined);
    });

    it("reads moto's port from werkzeug's banner", () => {
        assert.equal(listeningPort("WARNING: dev server\n * Running on http://127.0.0.1:38633\nPress CTRL+C"), 38633);
        assert.equal(listeningPort(" * Serving Flask app"), undefined);
    });

    it("runs a console script with its own interpreter, and refuses a file that is not one", () => {
        const dir = mkdtempSync(join(tmpdir(), "moto-script-"));
        writeFileSync(join(dir, "venv"), "#!/opt/venv/bin/python3\nimport sys\n");
        writeFileSync(join(dir, "env"), "#!/usr/bin/env python3\n");
        writeFileSync(join(dir, "shell"), "#!/bin/sh\nexec moto\n");
        assert.deepEqual(interpreterOf(join(dir, "venv")), ["/opt/venv/bin/python3"]);
        assert.deepEqual(interpreterOf(join(dir, "env")), ["/usr/bin/env", "python3"]);
        assert.throws(() => interpreterOf(join(dir, "shell")), /not a Python console script/);
    });

    it("prints env lines a shell reads back, empty values included", () => {
        assert.deepEqual(exportLines({ AWS_REGION: "us-east-1", AWS_PROFILE: "", ODD: "it's" }), [
            "export AWS_REGION=us-east-1",
            "export AWS_PROFILE=''",
            `export ODD='it'\\''s'`,
        ]);
    });
});
