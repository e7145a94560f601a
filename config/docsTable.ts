/**
 * The configuration table of docs/configuration.md, generated from the key table (`npm run docs:config` writes it;
 * test/project-files.test.ts fails when the page differs).
 */
import { CONFIG_KEYS, ConfigKeySpec } from "./keys";

export const TABLE_BEGIN =
    "<!-- config-table:begin (generated from config/keys/ by `npm run docs:config`; do not edit) -->";
export const TABLE_END = "<!-- config-table:end -->";

/** The default column: `required`, `blank`, or the default in code style, then `, secret` for a secret key. */
export function shownDefault(spec: ConfigKeySpec): string {
    let shown: string;
    if (spec.required) {
        shown = "required";
    } else if (spec.default === "" || spec.default === undefined) {
        shown = "blank";
    } else if (typeof spec.default === "object") {
        shown = "`{}`";
    } else {
        shown = `\`${String(spec.default)}\``;
    }
    return spec.secret ? `${shown}, secret` : shown;
}

export function configTable(keys: readonly ConfigKeySpec[] = CONFIG_KEYS): string {
    const rows = keys.map((spec) => `| \`${spec.key}\` | ${shownDefault(spec)} | ${spec.doc ?? spec.description} |`);
    return ["| key | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The page with its table (between the markers) replaced by the generated one; throws when a marker is missing. */
export function withConfigTable(page: string, table: string = configTable()): string {
    const begin = page.indexOf(TABLE_BEGIN);
    const end = page.indexOf(TABLE_END);
    if (begin === -1 || end < begin) {
        throw new Error(`the page has no ${TABLE_BEGIN} ... ${TABLE_END} markers`);
    }
    return `${page.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${page.slice(end)}`;
}
