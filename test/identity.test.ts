import { strict as assert } from "node:assert";
import { chooseIdentity } from "../common/identity";
import { ConfigError, parseConfig } from "../config";
import { baseConfig } from "./harness";

const parse = (extra: Record<string, string>) => parseConfig({ ...baseConfig(), ...extra }, { awsRegion: "us-east-1" });
const problems = (extra: Record<string, string>) => {
    try {
        parse(extra);
    } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
    }
    assert.fail("no config error");
};

describe("identityMode config", () => {
    it("resolves a blank identityMode from createIamUser, as stacks before identityMode had it", () => {
        assert.equal(parse({}).identityMode, "irsa");
        assert.equal(parse({ createIamUser: "true" }).identityMode, "iamUser");
        assert.equal(parse({ identityMode: "" }).identityMode, "irsa");
    });

    it("takes each documented mode", () => {
        for (const mode of ["irsa", "podIdentity", "iamUser", "auto"]) {
            assert.equal(parse({ identityMode: mode }).identityMode, mode);
        }
        assert.equal(parse({ identityMode: "iamUser", createIamUser: "true" }).identityMode, "iamUser");
    });

    it("names the allowed modes for an unknown one", () => {
        assert.deepEqual(problems({ identityMode: "oidc" }), [
            'container-insights:identityMode: "oidc" is not allowed; allowed: irsa, podIdentity, iamUser, auto',
        ]);
    });

    it("refuses createIamUser true with another identityMode, naming both keys and the fix", () => {
        const [problem, ...rest] = problems({ createIamUser: "true", identityMode: "podIdentity" });
        assert.deepEqual(rest, []);
        assert.match(
            problem,
            /container-insights:createIamUser is true but container-insights:identityMode is podIdentity/,
        );
        assert.match(problem, /set identityMode to iamUser, or createIamUser to false/);
    });

    it("refuses installPodIdentityAgent where no cluster can use Pod Identity", () => {
        assert.match(
            problems({ installPodIdentityAgent: "true" })[0],
            /installPodIdentityAgent is true but container-insights:identityMode is irsa/,
        );
        assert.equal(parse({ identityMode: "auto", installPodIdentityAgent: "true" }).installPodIdentityAgent, true);
        assert.equal(parse({}).installPodIdentityAgent, false);
    });
});

describe("choosing a cluster's identity", () => {
    it("keeps irsa and iamUser as configured, whatever the cluster has", () => {
        assert.deepEqual(chooseIdentity("irsa", { podIdentityAgent: true }), { identity: "irsa" });
        assert.deepEqual(chooseIdentity("iamUser", { oidcProvider: false }), { identity: "iamUser" });
    });

    it("auto: Pod Identity where the add-on is, else IRSA where the OIDC provider is registered, else skipped with the reason", () => {
        assert.deepEqual(chooseIdentity("auto", { podIdentityAgent: true, oidcProvider: true }), {
            identity: "podIdentity",
        });
        assert.deepEqual(chooseIdentity("auto", { podIdentityAgent: false, oidcProvider: true }), { identity: "irsa" });
        const skipped = chooseIdentity("auto", { podIdentityAgent: false, oidcProvider: false });
        assert.ok("skip" in skipped);
        assert.match(skipped.skip, /neither the eks-pod-identity-agent add-on nor a registered IAM OIDC provider/);
    });

    it("auto: installs the add-on instead of skipping or falling back when installPodIdentityAgent is set", () => {
        assert.deepEqual(chooseIdentity("auto", { podIdentityAgent: false, oidcProvider: true, installsAgent: true }), {
            identity: "podIdentity",
            installAgent: true,
        });
        assert.deepEqual(
            chooseIdentity("auto", { podIdentityAgent: false, oidcProvider: false, installsAgent: true }),
            { identity: "podIdentity", installAgent: true },
        );
    });

    it("auto: a fact that could not be checked never picks a mode", () => {
        assert.ok("skip" in chooseIdentity("auto", { podIdentityAgent: undefined, oidcProvider: true }));
        assert.ok("skip" in chooseIdentity("auto", { podIdentityAgent: false, oidcProvider: undefined }));
    });

    it("podIdentity: skips a cluster known to lack the add-on unless it is installed; unknown still associates", () => {
        assert.ok("skip" in chooseIdentity("podIdentity", { podIdentityAgent: false }));
        assert.deepEqual(chooseIdentity("podIdentity", { podIdentityAgent: false, installsAgent: true }), {
            identity: "podIdentity",
            installAgent: true,
        });
        assert.deepEqual(chooseIdentity("podIdentity", {}), { identity: "podIdentity" });
    });
});
