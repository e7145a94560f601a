/**
 * The fleet's journal: per stack, the fingerprint of what its last `fleet up` deployed and how it ended. A re-run
 * starts only the stacks whose last up failed or whose fingerprint changed (config, program or account set). It is
 * rewritten after every finished stack (to a temporary file, then renamed), so a crash or a cancel loses nothing.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { canonicalJson } from "../../common/objects";
import { Outcome } from "./pool";

export interface JournalEntry {
    fingerprint: string;
    outcome: Outcome;
    finishedAt: string;
    durationMs: number;
    changes?: Record<string, number>;
    error?: string;
}

export interface Journal {
    version: 1;
    stacks: Record<string, JournalEntry>;
}

export const emptyJournal = (): Journal => ({ version: 1, stacks: {} });

/** One sha256 over everything a stack's deploy depends on; secrets go in only through this digest. */
export function fingerprint(inputs: unknown): string {
    return createHash("sha256").update(canonicalJson(inputs)).digest("hex");
}

/** Whether a stack must run: never deployed, last up not successful, or deployed from other inputs. */
export function needsRun(journal: Journal, stack: string, print: string): boolean {
    const entry = journal.stacks[stack];
    return !entry || entry.fingerprint !== print || (entry.outcome !== "succeeded" && entry.outcome !== "unchanged");
}

/** The journal with one stack's result; a cancelled stack keeps its previous entry (it may not have run at all). */
export function recordResult(journal: Journal, stack: string, entry: JournalEntry): Journal {
    if (entry.outcome === "cancelled") {
        return journal;
    }
    return { ...journal, stacks: { ...journal.stacks, [stack]: entry } };
}

export class JournalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "JournalError";
    }
}

export function readJournal(path: string): Journal {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            return emptyJournal();
        }
        throw error;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new JournalError(`${path} is not JSON (${(error as Error).message}); remove it to redeploy every stack`);
    }
    const journal = parsed as Journal;
    if (journal?.version !== 1 || typeof journal.stacks !== "object" || journal.stacks === null) {
        throw new JournalError(`${path} is not a fleet journal of version 1; remove it to redeploy every stack`);
    }
    return journal;
}

export function writeJournal(path: string, journal: Journal): void {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(journal, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
}
