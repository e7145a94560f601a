/** Where the engine tier's pieces live, and the pinned versions (engine/versions.json). */
import { accessSync, constants, existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..");
/** The engine tier's directory: `.engine/` in the checkout, or ENGINE_DIR. */
export const ENGINE_DIR = resolve(process.env.ENGINE_DIR ?? join(ROOT, ".engine"));

interface GoPin {
    module: string;
    version: string;
    package: string;
    versionVariable: string;
}

export interface Pins {
    pulumi: GoPin & { sdkModule: string };
    languageHost: GoPin & { why: string };
    kubernetes: GoPin & { releasedAs: string; why: string };
    moto: string;
}

export const PINS: Pins = JSON.parse(readFileSync(join(__dirname, "versions.json"), "utf8"));

export function enginePaths(dir: string = ENGINE_DIR) {
    return {
        bin: join(dir, "bin"),
        /** The v3.68.0 Node.js language host, behind our front in bin/ (engine/nodejs-host). */
        libexec: join(dir, "libexec"),
        build: join(dir, "build"),
        stamps: join(dir, "stamps"),
        venv: join(dir, "venv"),
        motoServer: join(dir, "venv", "bin", "moto_server"),
        pulumiHome: join(dir, "home"),
    };
}

/** Whether `path` is a file this process may run. */
export function executable(path: string): boolean {
    try {
        accessSync(path, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/** The first executable `name` on PATH, leaving out one directory (the tier's own bin). */
export function findOnPath(name: string, options: { exclude?: string } = {}): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        if (dir === "" || (options.exclude && resolve(dir) === resolve(options.exclude))) {
            continue;
        }
        const candidate = join(dir, name);
        if (executable(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** Whether a stand-in `pulumi-resource-aws` is installed in the tier's plugin directory (any version). */
function awsStandInInstalled(pulumiHome: string): boolean {
    const plugins = join(pulumiHome, "plugins");
    return (
        existsSync(plugins) &&
        readdirSync(plugins).some(
            (dir) => dir.startsWith("resource-aws-v") && executable(join(plugins, dir, "pulumi-resource-aws")),
        )
    );
}

/**
 * Why the engine tier cannot run here (a piece missing), or undefined when it can: the Pulumi CLI and language host
 * (built or on PATH), the Kubernetes provider, moto and the stand-in AWS provider.
 */
export function engineMissing(dir: string = ENGINE_DIR): string | undefined {
    const paths = enginePaths(dir);
    const tool = (name: string) => (executable(join(paths.bin, name)) ? join(paths.bin, name) : findOnPath(name));
    const missing = [
        tool("pulumi") ? undefined : "the Pulumi CLI",
        // The tier's own is a front for libexec/'s v3.68.0 host; without that host it says so on its first start.
        tool("pulumi-language-nodejs") ? undefined : "the Node.js language host",
        executable(join(paths.bin, "pulumi-resource-kubernetes")) ? undefined : "the Kubernetes provider",
        executable(paths.motoServer) ? undefined : "moto",
        awsStandInInstalled(paths.pulumiHome) ? undefined : "the stand-in AWS provider",
    ].filter((piece): piece is string => piece !== undefined);
    return missing.length === 0
        ? undefined
        : `${missing.join(", ")} not built in ${dir}: run \`npm run engine:setup\` (needs Go and Python 3)`;
}
