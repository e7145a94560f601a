import { strict as assert } from "node:assert";
import { ConfigError, parseConfig } from "../../config";
import { baseConfig } from "../harness";

function problems(fleet: Record<string, unknown>): string[] {
    try {
        parseConfig({ ...baseConfig(), fleet: JSON.stringify(fleet) }, { awsRegion: "us-east-1" });
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
}

describe("fleet config keys", () => {
    it("default to one whole stack", () => {
        const parsed = parseConfig(baseConfig(), { awsRegion: "us-east-1" });
        assert.deepEqual(parsed.fleet, { part: "whole", groups: 1, group: 0 });
    });

    it("a cluster stack names its account stack and holds one of its groups", () => {
        assert.deepEqual(problems({ part: "clusters", accountStack: "prod-111122223333", groups: 4, group: 3 }), []);
        assert.match(
            problems({ part: "clusters" }).join("\n"),
            /container-insights:fleet\.accountStack is required while container-insights:fleet\.part is clusters/,
        );
        assert.deepEqual(problems({ part: "clusters", accountStack: "prod-1", groups: 4, group: 4 }), [
            "container-insights:fleet.group is 4 but container-insights:fleet.groups is 4: the groups are 0 to 3",
        ]);
    });

    it("groups and an account stack belong to a cluster stack only; an unknown part is named", () => {
        assert.match(problems({ part: "account", groups: 2 }).join("\n"), /apply to a cluster stack only/);
        assert.match(problems({ accountStack: "prod-1" }).join("\n"), /apply to a cluster stack only/);
        assert.match(problems({ part: "region" }).join("\n"), /fleet\.part.*whole, account or clusters/);
    });
});
