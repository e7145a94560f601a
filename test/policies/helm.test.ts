import * as assert from "node:assert/strict";
import { checkStack, of } from "./check";

describe("policy helm-release-values", () => {
    it("checks a helm.v3.Release's visible values and says, advisory, that its manifests are not visible", async () => {
        const release = {
            type: "kubernetes:helm.sh/v3:Release",
            name: "agent",
            props: {
                chart: "oci://public.ecr.aws/nops/kubernetes-agent",
                values: {
                    image: { repository: "public.ecr.aws/nops/agent", tag: "1.0" },
                    sidecar: { image: "docker.io/evil/miner:latest", securityContext: { privileged: true } },
                    podSecurityContext: { runAsUser: 0, runAsNonRoot: false },
                },
            },
        };
        const found = of(await checkStack([release]), "helm-release-values");
        assert.ok(found.every((v) => v.level === "advisory"));
        assert.deepEqual(
            found.map((v) =>
                v.message
                    .replace(/^Release agent: /, "")
                    .split(" ")
                    .slice(0, 3)
                    .join(" "),
            ),
            [
                "its rendered manifests",
                "values.sidecar.image = docker.io/evil/miner:latest",
                "values.sidecar.securityContext.privileged is true",
                "values.podSecurityContext.runAsUser is 0",
                "values.podSecurityContext.runAsNonRoot is false",
            ],
        );
    });

    it("leaves helm.v4.Chart alone: its rendered objects reach the other policies", async () => {
        const chart = {
            type: "kubernetes:helm.sh/v4:Chart",
            name: "agent",
            props: { chart: "oci://public.ecr.aws/nops/kubernetes-agent", values: { image: "nginx" } },
        };
        assert.deepEqual((await checkStack([chart])).violations, []);
    });
});
