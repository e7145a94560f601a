import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    JournalError,
    emptyJournal,
    fingerprint,
    needsRun,
    readJournal,
    recordResult,
    writeJournal,
} from "../../automation/fleet/journal";
import { planFleetStacks, shardAccounts } from "../../automation/fleet/stacks";

describe("fleet journal (resume)", () => {
    const entry = (print: string, outcome: "succeeded" | "failed" | "cancelled" | "unchanged") => ({
        fingerprint: print,
        outcome,
        finishedAt: "2026-12-07T05:00:00.000Z",
        durationMs: 1,
    });

    it("the fingerprint ignores key order and undefined fields, and changes with any value", () => {
        assert.equal(fingerprint({ a: 1, b: { c: [1, 2], d: undefined } }), fingerprint({ b: { c: [1, 2] }, a: 1 }));
        assert.notEqual(fingerprint({ a: 1, b: { c: [1, 2] } }), fingerprint({ a: 1, b: { c: [2, 1] } }));
        assert.notEqual(fingerprint({ token: "x" }), fingerprint({ token: "y" }));
        assert.match(fingerprint({ token: "secret-token" }), /^[0-9a-f]{64}$/);
    });

    it("a re-run touches only stacks never deployed, failed, or with another fingerprint", () => {
        let journal = emptyJournal();
        journal = recordResult(journal, "ok", entry("p1", "succeeded"));
        journal = recordResult(journal, "same", entry("p1", "unchanged"));
        journal = recordResult(journal, "broke", entry("p1", "failed"));
        assert.equal(needsRun(journal, "ok", "p1"), false);
        assert.equal(needsRun(journal, "same", "p1"), false);
        assert.equal(needsRun(journal, "ok", "p2"), true);
        assert.equal(needsRun(journal, "broke", "p1"), true);
        assert.equal(needsRun(journal, "new", "p1"), true);
    });

    it("a cancelled stack keeps its previous entry", () => {
        const journal = recordResult(emptyJournal(), "s", entry("p1", "succeeded"));
        assert.equal(recordResult(journal, "s", entry("p2", "cancelled")), journal);
    });

    it("written whole (0600) and read back; a missing file is an empty journal; a broken one is named", () => {
        const dir = mkdtempSync(join(tmpdir(), "journal-"));
        try {
            const path = join(dir, "sub", "prod.json");
            assert.deepEqual(readJournal(path), emptyJournal());
            const journal = recordResult(emptyJournal(), "s", entry("p1", "succeeded"));
            writeJournal(path, journal);
            assert.deepEqual(readJournal(path), journal);
            assert.equal(statSync(path).mode & 0o777, 0o600);
            assert.doesNotMatch(readFileSync(path, "utf8"), /secret/);
            writeFileSync(path, "{");
            assert.throws(
                () => readJournal(path),
                (e: Error) => e instanceof JournalError && e.message.includes(path),
            );
            writeFileSync(path, JSON.stringify({ version: 2, stacks: {} }));
            assert.throws(() => readJournal(path), /not a fleet journal of version 1/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("fleet stacks and their names", () => {
    it("per account: the account stack <env>-<account>, then one cluster stack per region <env>-<account>-<region>", () => {
        const stacks = planFleetStacks(
            "prod",
            [
                { id: "111122223333", name: "team-a" },
                { id: "444455556666", regions: ["eu-west-1"] },
            ],
            ["us-east-1", "eu-west-1"],
        );
        assert.deepEqual(
            stacks.map((s) => [s.name, s.role, s.regions.join(","), s.accountStack ?? ""]),
            [
                ["prod-111122223333", "account", "eu-west-1,us-east-1", ""],
                ["prod-111122223333-eu-west-1", "clusters", "eu-west-1", "prod-111122223333"],
                ["prod-111122223333-us-east-1", "clusters", "us-east-1", "prod-111122223333"],
                ["prod-444455556666", "account", "eu-west-1", ""],
                ["prod-444455556666-eu-west-1", "clusters", "eu-west-1", "prod-444455556666"],
            ],
        );
        assert.equal(stacks[1].accountName, "team-a");
    });

    it("an Indexed Job's shards take whole accounts, each exactly once over all indexes", () => {
        const accounts = Array.from({ length: 7 }, (_, i) => i);
        const shards = [0, 1, 2].map((index) => shardAccounts(accounts, index, 3));
        assert.deepEqual(shards, [
            [0, 3, 6],
            [1, 4],
            [2, 5],
        ]);
        assert.throws(() => shardAccounts(accounts, 3, 3), /index must be a whole number from 0 to 2/);
        assert.throws(() => shardAccounts(accounts, 0, 0), /shard 0 of 0/);
    });
});
