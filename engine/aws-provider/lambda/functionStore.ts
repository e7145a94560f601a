/**
 * The code of the functions the stand-in created, on disk: moto keeps a function's configuration (handler,
 * environment, role, timeout) and a hash of its zip, but cannot run Node code without Docker, so the Invocation
 * resource runs the files kept here. One directory per account, region and function name, under
 * AWS_STANDIN_STATE_DIR, else $PULUMI_HOME/aws-standin/<emulator endpoint hash>.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ZipFile } from "yazl";

export function defaultStoreRoot(env: NodeJS.ProcessEnv = process.env): string {
    if (env.AWS_STANDIN_STATE_DIR) {
        return env.AWS_STANDIN_STATE_DIR;
    }
    const endpoint = createHash("sha256")
        .update(env.AWS_ENDPOINT_URL ?? "aws")
        .digest("hex")
        .slice(0, 12);
    return join(env.PULUMI_HOME ?? join(homedir(), ".pulumi"), "aws-standin", endpoint);
}

/** The deployment package: the archive's files in a zip with fixed timestamps (same files, same bytes). */
export function zipOf(files: Record<string, string>): Promise<Buffer> {
    const zip = new ZipFile();
    for (const [path, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
        zip.addBuffer(Buffer.from(text), path, { mtime: new Date(Date.UTC(1980, 0, 1)), mode: 0o100644 });
    }
    zip.end();
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
        zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
        zip.outputStream.on("error", reject);
    });
}

export interface StoredFunction {
    /** Directory holding the function's files (index.js, ...). */
    codeDir: string;
    /** Base64 SHA-256 of the deployment package, as Lambda reports CodeSha256. */
    codeSha256: string;
}

export class FunctionStore {
    constructor(readonly root: string = defaultStoreRoot()) {}

    private dir(accountId: string, region: string, name: string): string {
        return join(this.root, accountId, region, name);
    }

    async save(
        key: { accountId: string; region: string; name: string },
        files: Record<string, string>,
        codeSha256: string,
    ): Promise<StoredFunction> {
        const base = this.dir(key.accountId, key.region, key.name);
        const codeDir = join(base, "code", codeSha256.replace(/[/+=]/g, "_"));
        for (const [path, text] of Object.entries(files)) {
            await mkdir(dirname(join(codeDir, path)), { recursive: true });
            await writeFile(join(codeDir, path), text);
        }
        await writeFile(join(base, "current.json"), JSON.stringify({ codeDir, codeSha256 }));
        return { codeDir, codeSha256 };
    }

    async find(key: { accountId: string; region: string; name: string }): Promise<StoredFunction | undefined> {
        try {
            return JSON.parse(
                await readFile(join(this.dir(key.accountId, key.region, key.name), "current.json"), "utf8"),
            );
        } catch {
            return undefined;
        }
    }

    async remove(key: { accountId: string; region: string; name: string }): Promise<void> {
        await rm(this.dir(key.accountId, key.region, key.name), { recursive: true, force: true });
    }
}
