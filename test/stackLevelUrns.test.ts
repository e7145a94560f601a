/**
 * keepStackLevelUrns, the stack program's transform: a direct child of the ContainerInsights component also answers
 * to the URN it had as a child of the stack itself; anything else is left alone. Its effect on a deployed stack is
 * proven on the real engine (test/engine/stackProgram.test.ts).
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER_INSIGHTS_TYPE, keepStackLevelUrns, typeOfUrn } from "../components/containerInsights";

const PREFIX = "urn:pulumi:prod::container-insights::";
const COMPONENT_URN = `${PREFIX}${CONTAINER_INSIGHTS_TYPE}::container-insights`;
const AGENT_URN = `${PREFIX}${CONTAINER_INSIGHTS_TYPE}$container-insights:cluster:ClusterAgent::us-east-1-prod-a`;

function transformOf(opts: pulumi.CustomResourceOptions) {
    return keepStackLevelUrns({ type: "aws:s3/bucketV2:BucketV2", name: "bucket", custom: true, props: {}, opts });
}

describe("keepStackLevelUrns", () => {
    it("reads a URN's own type, not its parents'", () => {
        assert.equal(typeOfUrn(AGENT_URN), "container-insights:cluster:ClusterAgent");
        assert.equal(typeOfUrn(COMPONENT_URN), CONTAINER_INSIGHTS_TYPE);
    });

    it("gives a direct child of the component the alias of a child of the stack, keeping its own aliases", async () => {
        const own = { name: "old-bucket" };
        const result = await transformOf({ parent: new pulumi.DependencyResource(COMPONENT_URN), aliases: [own] });
        assert.ok(result, "a direct child is transformed");
        assert.deepEqual(result.opts.aliases, [own, { parent: pulumi.rootStackResource }]);
    });

    it("leaves grandchildren alone: the engine derives their old URNs from their parent's alias", async () => {
        assert.equal(await transformOf({ parent: new pulumi.DependencyResource(AGENT_URN) }), undefined);
    });

    it("leaves a resource of another parent or of none alone", async () => {
        assert.equal(await transformOf({}), undefined);
        const other = `${PREFIX}my:team:Platform::platform`;
        assert.equal(await transformOf({ parent: new pulumi.DependencyResource(other) }), undefined);
    });
});
