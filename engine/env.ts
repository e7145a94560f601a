/** The environment of an offline engine run: the tier's binaries first on PATH, its plugin home, a file backend. */
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import YAML from "yaml";
import { fileBackendUrl } from "../automation/fileBackend";
import { enginePaths } from "./paths";

export interface EngineEnvOptions {
    /** The file backend's directory (a temp dir per test). */
    stateDir: string;
    /** Encrypts the file backend's secrets. */
    passphrase?: string;
    /** The AWS emulator's variables (endpoints, dummy credentials, region). */
    aws?: Record<string, string>;
    /**
     * The directory of the project the command runs (its Pulumi.yaml): its `runtime.options.tsconfig`, if any, is
     * passed on as the current language host does for that project only.
     */
    program?: string;
    /** The tier's directory (.engine by default). */
    engineDir?: string;
}

function tsconfigEnv(program: string | undefined): Record<string, string> {
    const projectFile = program === undefined ? undefined : join(program, "Pulumi.yaml");
    const tsconfig = projectFile && existsSync(projectFile) ? programTsconfig(projectFile) : undefined;
    return tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: tsconfig } : {};
}

/**
 * Pulumi.yaml's `runtime.options.tsconfig`, as the language host hands it to the program (PULUMI_NODEJS_TSCONFIG_PATH).
 * The tier's host is v3.68.0, which took runtime options as flags; the v3.276 CLI sends them in the RPC instead, so the
 * tier passes this one on itself. Without it every preview and up would type-check the program again (docs/fleet.md).
 */
export function programTsconfig(projectFile = join(__dirname, "..", "Pulumi.yaml")): string | undefined {
    const project = YAML.parse(readFileSync(projectFile, "utf8"));
    const tsconfig = project?.runtime?.options?.tsconfig;
    return typeof tsconfig === "string" ? tsconfig : undefined;
}

export function engineEnv(options: EngineEnvOptions): NodeJS.ProcessEnv {
    const paths = enginePaths(options.engineDir);
    return {
        ...process.env,
        PATH: [paths.bin, process.env.PATH ?? ""].join(delimiter),
        PULUMI_HOME: paths.pulumiHome,
        PULUMI_BACKEND_URL: fileBackendUrl(options.stateDir),
        PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "engine-tier",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        // The AWS SDK warns on every start under Node.js 20; the tier reads the program's own output.
        NODE_NO_WARNINGS: "1",
        // Reading the file backend's own .pulumi/meta.yaml sees no lock from another process; no telemetry offline.
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        ...tsconfigEnv(options.program),
        ...options.aws,
    };
}
