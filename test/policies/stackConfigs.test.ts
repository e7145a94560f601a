import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readImageLock } from "../../images/lock";
import { cniMetricsRepositories } from "../../components/addons/cniMetrics/image";
import { normalizePrefix } from "../../policies/images/reference";
import { checkStack, of } from "./check";

const POLICIES_DIR = join(__dirname, "..", "..", "policies");
const stackConfig = (stack: string) =>
    JSON.parse(readFileSync(join(POLICIES_DIR, `config.${stack}.json`), "utf8")) as Record<string, any>;
const lockedRepositories = () => [...new Set(readImageLock().images.map((i) => i.repository))].sort();
/** The lock's repositories, then the cni-metrics-helper's in every region's EKS add-on registry (addons.cniMetrics). */
const allowedRepositories = () => [...lockedRepositories(), ...cniMetricsRepositories()];

const workload = (...images: string[]) => ({
    type: "kubernetes:apps/v1:Deployment",
    name: "w",
    props: {
        metadata: { name: "w", namespace: "nops" },
        spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
    },
});

describe("the committed stacks' pack configs allow exactly the locked image repositories and the cni-metrics-helper's", () => {
    for (const stack of ["prod", "uat"]) {
        it(`${stack}: allowedRegistries is the images lock's repositories and the cni-metrics-helper's, one entry each, no registry or namespace wide entry`, () => {
            const allowed = stackConfig(stack)["ecr-image-allowed-registry"].allowedRegistries as string[];
            assert.deepEqual(
                allowed.map(normalizePrefix),
                allowedRepositories().map((r) => `${r}/`),
            );
        });

        it(`${stack}: admits every locked image, busybox included, and nothing else from the same registry or namespace`, async () => {
            const config = {
                "ecr-image-allowed-registry": {
                    ...stackConfig(stack)["ecr-image-allowed-registry"],
                    accountId: "123456789012",
                    region: "us-east-1",
                },
            };
            const locked = allowedRepositories().map((r) => `${r}:1`);
            assert.deepEqual(of(await checkStack([workload(...locked)], config), "ecr-image-allowed-registry"), []);
            const others = [
                "public.ecr.aws/nops/unlocked:1",
                "public.ecr.aws/docker/library/alpine:3",
                "public.ecr.aws/docker/library/busyboxx:1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:1",
            ];
            assert.equal(
                of(await checkStack([workload(...others)], config), "ecr-image-allowed-registry").length,
                others.length,
            );
        });
    }
});

describe("the committed stacks' pack configs waive signatures for exactly the cni-metrics-helper repositories", () => {
    for (const stack of ["prod", "uat"]) {
        it(`${stack}: unsignedImageExceptions names each region's helper repository once, exactly, with a reason, and nothing else`, () => {
            const exceptions = stackConfig(stack)["ecr-image-signed"].unsignedImageExceptions as Array<{
                repository: string;
                reason: string;
            }>;
            assert.deepEqual(exceptions.map((e) => e.repository).sort(), cniMetricsRepositories());
            for (const { repository, reason } of exceptions) {
                assert.match(repository, /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/cni-metrics-helper$/);
                assert.match(reason, /AWS publishes .* EKS add-on registry .* no Notation \(AWS Signer\) signature/);
            }
        });
    }
});
