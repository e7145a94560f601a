/**
 * Our own IAM evaluator (test/fakes/iamPolicy.ts, which the fake account used to enforce a role's policy) against
 * iam-simulate, on requests generated from every identity policy and boundary the project renders: each probe is
 * decided by both, and the decisions must agree except where a difference is written down below with its reason. A new
 * difference, or one that went away, fails the test.
 */
import { strict as assert } from "node:assert";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { reconcile, teardown } from "../lambda/reconciler/reconcile";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { ACCOUNT_ID } from "./harness";
import { PROD_SCOPE, fakeWorld, recordingLog, settingsFor } from "./reconciler.helpers";
import { AuthRequest, evaluate } from "./fakes/iamPolicy";
import { TEST_PRINCIPAL, simulate } from "./iamSimulator";
import { asIamBuildsIt, probeRequests } from "./policyProbes";
import { RenderedDocument, renderedDocuments } from "./renderedDocuments";

/** What our evaluator decides, or why it refuses. */
function ours(document: RenderedDocument["document"], request: AuthRequest): string {
    try {
        return evaluate(document, request);
    } catch (error) {
        return `refuses (${(error as Error).message.split(":")[0]})`;
    }
}

/**
 * Where the two disagree, by the statement condition or shape that makes them, and why. Each entry is a finding for the
 * closing note; the fake account no longer decides with our evaluator (it asks iam-simulate).
 */
const KNOWN: Array<{ pattern: RegExp; why: string }> = [
    {
        pattern: /^kms:\w+ .*: ours Allow, iam-simulate ImplicitDeny$/,
        why:
            "KMS lets an identity policy count only when the key policy delegates to the account (KMS's default key policy) " +
            "or names the caller; ours reads identity policies alone. The permission tests give iam-simulate the rendered " +
            "key policy, or KMS's default one for the bucket's key.",
    },
    {
        pattern: /^sqs:(SendMessage|ReceiveMessage|DeleteMessage) \{\}: ours Allow, iam-simulate ImplicitDeny$/,
        why:
            "The platform's queues are in its account: a cross-account call also needs the queue's own policy, which " +
            "the vendor writes; ours has no notion of the resource's account.",
    },
];

describe("our IAM evaluator against iam-simulate, on every rendered identity policy and boundary", () => {
    let documents: RenderedDocument[];
    before(async function () {
        this.timeout(300_000);
        const seen = new Set<string>();
        documents = (await renderedDocuments()).filter((d) => {
            const key = JSON.stringify(d.document);
            return (d.kind === "identity" || d.kind === "boundary") && !seen.has(key) && (seen.add(key), true);
        });
    });

    it("decides every probe alike, or as written down", async function () {
        this.timeout(600_000);
        const differences = new Map<string, string>();
        let compared = 0;
        for (const d of documents) {
            for (const probe of await probeRequests(d.document, { accountId: ACCOUNT_ID, actions: "all" })) {
                const [service, action] = probe.action.split(":");
                const wildcardOnly = await isWildcardOnlyAction(service, action);
                if (!wildcardOnly && probe.resource === "*") {
                    continue; // not a request IAM sees: the action is authorized on a resource of its type
                }
                const request = await asIamBuildsIt(wildcardOnly ? { ...probe, resource: "*" } : probe);
                if (!request) {
                    continue;
                }
                const account = request.resource.split(":")[4] || ACCOUNT_ID;
                const region = request.resource.split(":")[3];
                // The keys IAM sets from the request itself, given to both (a probe cannot claim others).
                const context = {
                    ...request.context,
                    "aws:PrincipalArn": TEST_PRINCIPAL,
                    "aws:PrincipalAccount": ACCOUNT_ID,
                    "aws:ResourceAccount": account,
                    ...(region ? { "aws:RequestedRegion": region } : {}),
                };
                const full = { ...request, context };
                const reference = await simulate({ identity: d.document }, full);
                const own = ours(d.document, full);
                compared++;
                if (own !== reference) {
                    const statement = d.document.Statement.find((s) => JSON.stringify(s).includes(probe.action));
                    const key = `${probe.action} ${JSON.stringify(statement?.Condition ?? {})}: ours ${own}, iam-simulate ${reference}`;
                    differences.set(key, `${d.label}: ${request.resource} ${JSON.stringify(request.context)}`);
                }
            }
        }
        assert.ok(compared > 1000, `${compared} probes compared`);
        const unexplained = [...differences].filter(([key]) => !KNOWN.some((k) => k.pattern.test(key)));
        assert.deepEqual(unexplained, [], "differences no entry of KNOWN explains");
        const gone = KNOWN.filter((k) => ![...differences.keys()].some((key) => k.pattern.test(key)));
        assert.deepEqual(gone, [], "written-down differences that no longer occur");
    });
});

describe("our IAM evaluator against iam-simulate, on every request the fake account authorizes in a reconciler's whole job", () => {
    const scope = PROD_SCOPE;
    const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:platform-token-AbCdEf`;

    for (const mode of ["irsa", "podIdentity"] as const) {
        it(`decides alike in ${mode} mode: create, repair, converge, tear down`, async () => {
            const world = fakeWorld();
            const compared: string[] = [];
            const differences: string[] = [];
            const reference = world.account.decide;
            world.account.decide = async (document, request) => {
                const [own, theirs] = [ours(document, request), await reference(document, request)];
                compared.push(request.action);
                if (own !== theirs) {
                    differences.push(`${request.action} on ${request.resource}: ours ${own}, iam-simulate ${theirs}`);
                }
                return theirs;
            };
            try {
                const podIdentityRoleArn = `arn:aws:iam::${ACCOUNT_ID}:role/nops-ccost-prod-pod-identity`;
                world.account.identity = reconcilerPermissions(scope, secret, {
                    stackId: scope.stackId,
                    podIdentity: mode === "podIdentity",
                    auto: false,
                });
                world.account.addCluster("us-east-1", "alpha", { addons: ["eks-pod-identity-agent"] });
                world.account.addCluster("eu-west-1", "beta", { addons: ["eks-pod-identity-agent"] });
                const settings = settingsFor(["us-east-1", "eu-west-1"], { identityMode: mode, podIdentityRoleArn });
                const first = await reconcile(settings, world.gateway(), recordingLog());
                assert.equal(first.counts.failed, 0, JSON.stringify(first.results));
                world.account.removeCluster("eu-west-1", "beta");
                await reconcile(settings, world.gateway(), recordingLog());
                await teardown(settings, world.gateway(), recordingLog());
            } finally {
                world.restore();
            }
            assert.ok(compared.length > 10, `${compared.length} requests`);
            assert.deepEqual(differences, []);
        });
    }
});
