/** `npm run docs:config`: writes the configuration table of docs/configuration.md from the key table (config/keys/). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withConfigTable } from "../config/docsTable";

export const CONFIGURATION_PAGE = join(__dirname, "..", "docs", "configuration.md");

if (require.main === module) {
    const page = readFileSync(CONFIGURATION_PAGE, "utf8");
    const updated = withConfigTable(page);
    if (updated === page) {
        process.stdout.write("docs/configuration.md: the table is up to date\n");
    } else {
        writeFileSync(CONFIGURATION_PAGE, updated);
        process.stdout.write("docs/configuration.md: the table was rewritten from the key table (config/keys/)\n");
    }
}
