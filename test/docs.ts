/** The project's documentation as the tests read it: the README (the front door) and the pages in docs/. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const DOCS_DIR = join(__dirname, "..", "docs");

/** One page of docs/, e.g. `readPage("configuration.md")`. */
export function readPage(name: string): string {
    return readFileSync(join(DOCS_DIR, name), "utf8");
}

/** Every page of docs/, in name order, joined. */
export function readDocs(): string {
    return readdirSync(DOCS_DIR)
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map(readPage)
        .join("\n");
}

/** The README followed by every page of docs/. */
export function readReadmeAndDocs(): string {
    return `${readFileSync(join(__dirname, "..", "README.md"), "utf8")}\n${readDocs()}`;
}
