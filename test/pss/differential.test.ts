/**
 * The pack's Pod Security Standards policy against Kubernetes' own evaluator (k8s.io/pod-security-admission, run by
 * oracle/pss): the same verdict per control, for `latest` and every pinned version the pack supports, on seeded
 * generated pods in every workload shape and on the library's own test fixtures. Needs Go: without it, one line
 * says why and nothing runs, unless PSS_ORACLE=required (`npm run test:pss-oracle`, which CI runs), where that fails.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { Rule, RULES } from "../../policies/kubernetes/controls";
import {
    changesOf,
    NEWEST_MINOR,
    OLDEST_MINOR,
    PINNED_VERSIONS,
    PSS_VERSIONS,
} from "../../policies/kubernetes/pssVersions";
import { checkResources } from "../../policies/offline/engine";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { policies } from "../../policies/policies";
import { PSS_POLICY } from "../policies/check";
import { withApiServerDefaults } from "./apiServerDefaults";
import { asResource, generatePods, PodCase, WORKLOAD_SHAPES } from "./generator";
import {
    buildOracle,
    OracleRequest,
    OracleResponse,
    oracleUnavailable,
    PsaLevel,
    psaModuleDir,
    runOracle,
} from "./oracle";
import { failingControls, mappedChecks, OVERRIDDEN_AT_RESTRICTED, PSA_CHECKS } from "./psaChecks";

const SEED = Number(process.env.PSS_SEED ?? 20260714);
const GENERATED = 700;
const LEVELS: PsaLevel[] = ["baseline", "restricted"];
const pssPolicy = policies.find((p) => p.name === PSS_POLICY) as ResourceValidationPolicy;

const required = process.env.PSS_ORACLE === "required";
const unavailable = oracleUnavailable();

/** Per case, the controls that fail. */
type Verdicts = Map<string, Set<Rule>>;

interface Corpus {
    cases: PodCase[];
    /** k8s.io/pod-security-admission's fixtures: path under test/testdata, and the verdict its directory states. */
    fixtures: { path: string; level: PsaLevel; version: string; allowed: boolean; pod: PodCase }[];
}

/** The library's own fixtures for the versions the pack knows, each distinct pod once. */
function psaFixtures(): Corpus["fixtures"] {
    const root = join(psaModuleDir(), "test", "testdata");
    const fixtures: Corpus["fixtures"] = [];
    const pods = new Map<string, PodCase>();
    for (const level of LEVELS) {
        for (let minor = OLDEST_MINOR; minor <= NEWEST_MINOR; minor++) {
            for (const verdict of ["pass", "fail"]) {
                const dir = join(root, level, `v1.${minor}`, verdict);
                for (const file of readdirSync(dir).sort()) {
                    const pod = parse(readFileSync(join(dir, file), "utf8"));
                    const podMetadata = pod.metadata.annotations ? { annotations: pod.metadata.annotations } : {};
                    const key = JSON.stringify([podMetadata, pod.spec]);
                    if (!pods.has(key)) {
                        const name = `psa-${pods.size}-${file.replace(/\.yaml$/, "")}`;
                        pods.set(key, { name, shape: "Pod", podMetadata, podSpec: pod.spec, changes: [file] });
                    }
                    const path = `${level}/v1.${minor}/${verdict}/${file}`;
                    fixtures.push({
                        path,
                        level,
                        version: `v1.${minor}`,
                        allowed: verdict === "pass",
                        pod: pods.get(key)!,
                    });
                }
            }
        }
    }
    return fixtures;
}

/** Keyed `version level case`. */
function askOracle(binary: string, cases: PodCase[]): Map<string, OracleResponse> {
    const requests: OracleRequest[] = PSS_VERSIONS.flatMap((version) =>
        LEVELS.flatMap((level) =>
            cases.map((c) => ({
                id: `${version} ${level} ${c.name}`,
                level,
                version,
                podMetadata: c.podMetadata,
                podSpec: withApiServerDefaults(c.podSpec),
            })),
        ),
    );
    const answers = runOracle(binary, requests);
    const errors = answers.filter((a) => a.error).map((a) => `${a.id}: ${a.error}`);
    assert.deepEqual(errors.slice(0, 5), [], "the oracle read every pod");
    return new Map(answers.map((a) => [a.id, a]));
}

function oracleVerdicts(answers: Map<string, OracleResponse>, version: string, cases: PodCase[]): Verdicts {
    return new Map(
        cases.map((c) => {
            const of = (level: PsaLevel) => answers.get(`${version} ${level} ${c.name}`)!.checks ?? [];
            return [c.name, new Set(failingControls({ baseline: of("baseline"), restricted: of("restricted") }))];
        }),
    );
}

/** The pack's policy object, configured with this version and no exceptions, over every case in its workload shape. */
async function packVerdicts(version: string, cases: PodCase[]): Promise<Verdicts> {
    const config = effectiveConfig({ [PSS_POLICY]: { version, exceptions: [] } }, [pssPolicy]);
    const resources = cases.map((c) => {
        const { type, props } = asResource(c);
        const urn = `urn:pulumi:oracle::pss::${type}::${c.name}`;
        return { id: c.name, urn, type, name: c.name, props, propertyDependencies: {} };
    });
    const result = await checkResources([{ source: "oracle", resources }], [pssPolicy], config, { preview: false });
    const verdicts: Verdicts = new Map(cases.map((c) => [c.name, new Set<Rule>()]));
    for (const violation of result.violations) {
        assert.equal(violation.level, "mandatory", violation.message);
        const rule = /\[(\w+)\]$/.exec(violation.message)?.[1] as Rule;
        assert.ok(RULES.includes(rule), violation.message);
        verdicts.get(violation.resource)!.add(rule);
    }
    return verdicts;
}

/** Every control where the pack and PSA disagree, with what PSA said. */
function disagreements(
    version: string,
    cases: PodCase[],
    pack: Verdicts,
    psa: Verdicts,
    answers: Map<string, OracleResponse>,
): string[] {
    return cases.flatMap((c) =>
        RULES.filter((rule) => pack.get(c.name)!.has(rule) !== psa.get(c.name)!.has(rule)).map((rule) => {
            const { level, checks } = PSA_CHECKS[rule];
            const said = (answers.get(`${version} ${level} ${c.name}`)!.checks ?? [])
                .filter((check) => checks.includes(check.id) && !check.allowed)
                .map((check) => `${check.reason} (${check.detail})`);
            return (
                `${version} ${c.name} (${c.shape}; ${c.changes.join("; ") || "unchanged"}) ${rule}: ` +
                `pack ${pack.get(c.name)!.has(rule) ? "fails" : "passes"}, PSA ${said.length > 0 ? `fails: ${said.join("; ")}` : "passes"}`
            );
        }),
    );
}

if (unavailable && !required) {
    process.stdout.write(
        `PSS oracle skipped: ${unavailable}; the Pod Security Standards policy was not checked against k8s.io/pod-security-admission\n`,
    );
} else {
    describe("Pod Security Standards policy against k8s.io/pod-security-admission (oracle/pss)", function () {
        this.timeout(900_000);
        let binary: string;
        let corpus: Corpus;
        let answers: Map<string, OracleResponse>;
        const packByVersion = new Map<string, Verdicts>();

        before(async function () {
            if (unavailable) {
                throw new Error(`PSS_ORACLE=required, but the oracle cannot run: ${unavailable}`);
            }
            const started = Date.now();
            binary = buildOracle();
            const seconds = (Date.now() - started) / 1000;
            if (seconds > 5) {
                process.stdout.write(`oracle/pss: go build took ${seconds.toFixed(0)} s (Go's build cache was cold)\n`);
            }
            const fixtures = psaFixtures();
            corpus = { cases: generatePods(SEED, GENERATED), fixtures };
            const distinct = [...new Set(fixtures.map((f) => f.pod))];
            answers = askOracle(binary, [...corpus.cases, ...distinct]);
            for (const version of PSS_VERSIONS) {
                packByVersion.set(version, await packVerdicts(version, [...corpus.cases, ...distinct]));
            }
        });

        it("maps every check the library registers to a control, and knows the newest version in which one changed", () => {
            const registered = JSON.parse(String(spawnSync(binary, ["-checks"], { encoding: "utf8" }).stdout)) as {
                id: string;
                level: PsaLevel;
                since: number[];
            }[];
            const mapped = new Set([...mappedChecks("baseline"), ...mappedChecks("restricted")]);
            assert.deepEqual(
                registered.map((c) => c.id).filter((id) => !mapped.has(id) && !(id in OVERRIDDEN_AT_RESTRICTED)),
                [],
                "every PSA check maps to a pack control (test/pss/psaChecks.ts)",
            );
            const newest = Math.max(...registered.flatMap((c) => c.since));
            assert.equal(
                newest,
                NEWEST_MINOR,
                `PSA's newest change is in v1.${newest}; the pack's table stops at v1.${NEWEST_MINOR}`,
            );
        });

        it("runs at the restricted level exactly the checks the mapping reads there, in every version", () => {
            for (const version of PSS_VERSIONS) {
                const ran = new Set(
                    corpus.cases.flatMap((c) =>
                        (answers.get(`${version} restricted ${c.name}`)!.checks ?? []).map((k) => k.id),
                    ),
                );
                const expected = mappedChecks("restricted");
                assert.deepEqual(
                    [...ran].filter((id) => !expected.has(id)),
                    [],
                    `${version}: unmapped checks ran`,
                );
            }
        });

        it("agrees with the verdict of each of the library's own fixtures (the oracle is wired right)", () => {
            const wrong = corpus.fixtures
                .filter((f) => answers.get(`${f.version} ${f.level} ${f.pod.name}`)!.allowed !== f.allowed)
                .map((f) => f.path);
            assert.deepEqual(wrong, []);
            assert.ok(corpus.fixtures.length > 500, `${corpus.fixtures.length} fixtures`);
        });

        it("covers every control failing and passing, every workload shape, each container list, Windows and user-namespace pods", () => {
            const psa = oracleVerdicts(answers, "latest", corpus.cases);
            for (const rule of RULES) {
                const failing = corpus.cases.filter((c) => psa.get(c.name)!.has(rule)).length;
                assert.ok(failing >= 5 && failing <= corpus.cases.length - 5, `${rule} fails in ${failing} pods`);
            }
            assert.deepEqual([...new Set(corpus.cases.map((c) => c.shape))].sort(), [...WORKLOAD_SHAPES].sort());
            for (const list of ["containers", "initContainers", "ephemeralContainers"]) {
                assert.ok(corpus.cases.filter((c) => c.podSpec[list]?.length > 0).length > 30, list);
            }
            const windows = corpus.cases.filter((c) => c.podSpec.os?.name === "windows");
            assert.ok(
                windows.filter((c) => psa.get(c.name)!.size === 0).length > 20,
                "Windows pods that pass restricted",
            );
            assert.ok(
                corpus.cases.filter((c) => c.podSpec.hostUsers === false).length > 10,
                "pods in a user namespace",
            );
        });

        it("exercises every version change of the pack's table: pods whose verdict changes in that version", () => {
            for (const rule of RULES) {
                for (const minor of changesOf(rule)) {
                    const [before, after] = [minor - 1, minor].map((m) =>
                        oracleVerdicts(answers, `v1.${m}`, corpus.cases),
                    );
                    const changed = corpus.cases.filter(
                        (c) => before.get(c.name)!.has(rule) !== after.get(c.name)!.has(rule),
                    );
                    assert.ok(changed.length >= 3, `${rule} changes in v1.${minor} for ${changed.length} pods`);
                }
            }
        });

        for (const version of PSS_VERSIONS) {
            it(`gives the library's verdict per control at ${version}, on generated pods and the library's fixtures`, () => {
                const cases = [...corpus.cases, ...new Set(corpus.fixtures.map((f) => f.pod))];
                const psa = oracleVerdicts(answers, version, cases);
                const found = disagreements(version, cases, packByVersion.get(version)!, psa, answers);
                assert.deepEqual(found.slice(0, 25), [], `${found.length} disagreements (seed ${SEED})`);
            });
        }

        it("treats latest as the newest pinned version", () => {
            assert.equal(PINNED_VERSIONS.at(-1), `v1.${NEWEST_MINOR}`);
            const cases = corpus.cases;
            const [latest, newest] = [packByVersion.get("latest")!, packByVersion.get(`v1.${NEWEST_MINOR}`)!];
            assert.deepEqual(
                cases
                    .filter((c) => [...latest.get(c.name)!].join() !== [...newest.get(c.name)!].join())
                    .map((c) => c.name),
                [],
            );
        });
    });
}
