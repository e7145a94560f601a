/**
 * `npm run engine:setup`: builds what the engine tier lacks into .engine/ (ENGINE_DIR overrides), from the Go module
 * proxy and PyPI only, at the versions pinned in engine/versions.json. Each piece leaves a stamp; a second run with the
 * same pins does nothing. A `pulumi` already on PATH (a user's machine) is used as it is, with its language host when
 * that sits beside it; only the missing pieces are built.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_DIR, PINS, enginePaths, findOnPath } from "./paths";

interface Step {
    label: string;
    /** The stamp's content: a change (a new pin) rebuilds the piece. */
    pin: string;
    /** Why the piece needs no build at all (e.g. a user's own CLI on PATH), or undefined. */
    provided?: () => string | undefined;
    estimate: string;
    build: () => Promise<void>;
}

const paths = enginePaths();
/** Our front for the v3.68.0 Node.js host: RunPlugin for policy packs (its header says why). */
const NODEJS_HOST_FRONT = join(__dirname, "nodejs-host");

function stampPath(label: string): string {
    return join(paths.stamps, `${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.json`);
}

function upToDate(step: Step): boolean {
    const stamp = stampPath(step.label);
    return existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).pin === step.pin;
}

function elapsed(started: number): string {
    const seconds = Math.round((Date.now() - started) / 1000);
    return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Runs a command, its output kept for the error; a heartbeat line every 30 s so a long build never looks stuck. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        const heartbeat = setInterval(() => process.stdout.write(`    … ${elapsed(started)}\n`), 30_000);
        child.on("error", (error) => {
            clearInterval(heartbeat);
            reject(new Error(`${command} could not be started: ${error.message}`));
        });
        child.on("close", (code) => {
            clearInterval(heartbeat);
            if (code === 0) {
                resolve();
            } else {
                reject(
                    new Error(
                        `${command} ${args.join(" ")} failed (exit ${code}) in ${options.cwd}:\n${output.trim()}`,
                    ),
                );
            }
        });
    });
}

const GO_ENV = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };

/**
 * Builds a `main` package from a fresh wrapper module (replaces are ignored): a package of a module version the proxy
 * serves, or (`sources`) our own Go files against the modules in `requires`.
 */
async function goBuildFromWrapper(piece: {
    name: string;
    requires: string[];
    package: string;
    output: string;
    ldflags: string;
    sources?: string;
}): Promise<void> {
    const dir = join(paths.build, piece.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "go.mod"), `module enginebuild/${piece.name}\n\ngo 1.24\n`);
    if (piece.sources) {
        for (const file of goFiles(piece.sources)) {
            cpSync(join(piece.sources, file), join(dir, file));
        }
    } else {
        writeFileSync(join(dir, "tools.go"), `//go:build tools\n\npackage tools\n\nimport _ "${piece.package}"\n`);
    }
    await run("go", ["get", ...piece.requires], { cwd: dir, env: GO_ENV });
    await run("go", ["mod", "tidy"], { cwd: dir, env: GO_ENV });
    await run("go", ["build", "-o", piece.output, "-ldflags", piece.ldflags, piece.package], {
        cwd: dir,
        env: GO_ENV,
    });
}

function goFiles(dir: string): string[] {
    return readdirSync(dir)
        .filter((file) => file.endsWith(".go"))
        .sort();
}

/** The front's stamp: the SDK it is built against and its source, so an edit rebuilds it. */
function nodejsHostFrontPin(): string {
    const hash = createHash("sha256");
    for (const file of goFiles(NODEJS_HOST_FRONT)) {
        hash.update(file).update(readFileSync(join(NODEJS_HOST_FRONT, file)));
    }
    return `${PINS.pulumi.version}:${hash.digest("hex").slice(0, 16)}`;
}

/** The Kubernetes provider embeds generated files the module does not ship: copy it, run its generate step, build. */
async function buildKubernetesProvider(): Promise<void> {
    const pin = PINS.kubernetes;
    const dir = join(paths.build, "kubernetes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "go.mod"), "module enginebuild/kubernetes\n\ngo 1.24\n");
    const download = spawnSync("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], {
        cwd: dir,
        env: { ...process.env, ...GO_ENV },
        encoding: "utf8",
    });
    if (download.status !== 0) {
        throw new Error(`go mod download ${pin.module}@${pin.version} failed:\n${download.stdout}${download.stderr}`);
    }
    const moduleDir: string = JSON.parse(download.stdout).Dir;
    const source = join(dir, "src");
    rmSync(source, { recursive: true, force: true });
    cpSync(moduleDir, source, { recursive: true });
    chmodSync(source, 0o755);
    makeWritable(source);
    // The module's replace points at ../sdk, which its zip does not carry; the released SDK module stands in.
    await run("go", ["mod", "edit", "-dropreplace", "github.com/pulumi/pulumi-kubernetes/sdk/v4"], { cwd: source });
    await run("go", ["run", "./generate.go"], {
        cwd: join(source, "cmd", "pulumi-resource-kubernetes"),
        env: { ...GO_ENV, VERSION: pin.releasedAs },
    });
    await run(
        "go",
        [
            "build",
            "-o",
            join(paths.bin, "pulumi-resource-kubernetes"),
            "-ldflags",
            `-X ${pin.versionVariable}=${pin.releasedAs}`,
            pin.package,
        ],
        { cwd: source, env: GO_ENV },
    );
}

function makeWritable(dir: string): void {
    spawnSync("chmod", ["-R", "u+w", dir]);
}

async function installMoto(): Promise<void> {
    const python = findOnPath("python3");
    if (!python) {
        throw new Error("python3 is not on PATH: the AWS emulator (moto) needs Python 3.9 or newer");
    }
    rmSync(paths.venv, { recursive: true, force: true });
    await run(python, ["-m", "venv", paths.venv], { cwd: ENGINE_DIR });
    await run(join(paths.venv, "bin", "pip"), ["install", "--quiet", `moto[server]==${PINS.moto}`], {
        cwd: ENGINE_DIR,
    });
}

/** The stand-in AWS provider, installed in the tier's plugin directory at exactly @pulumi/aws's version. */
async function installAwsStandIn(): Promise<void> {
    // Loaded lazily: the provider's module pulls in the AWS SDK, which the other steps do not need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { installAwsStandIn: install } = require("./aws-provider/install") as {
        installAwsStandIn: (pulumiHome: string) => string;
    };
    install(paths.pulumiHome);
}

function userCli(): string | undefined {
    const found = findOnPath("pulumi", { exclude: paths.bin });
    return found ? `using ${found} from PATH` : undefined;
}

function userLanguageHost(): string | undefined {
    const found = findOnPath("pulumi-language-nodejs", { exclude: paths.bin });
    return found ? `using ${found} from PATH` : undefined;
}

function awsVersion(): string {
    return JSON.parse(readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")).version;
}

const steps: Step[] = [
    {
        label: "Pulumi CLI",
        pin: PINS.pulumi.version,
        provided: userCli,
        estimate: "about 5 min on 2 cores",
        build: () =>
            goBuildFromWrapper({
                name: "pulumi",
                requires: [
                    `${PINS.pulumi.module}@${PINS.pulumi.version}`,
                    `${PINS.pulumi.sdkModule}@${PINS.pulumi.version}`,
                ],
                package: PINS.pulumi.package,
                output: join(paths.bin, "pulumi"),
                ldflags: `-X ${PINS.pulumi.versionVariable}=${PINS.pulumi.version}`,
            }),
    },
    {
        label: "Node.js language host",
        // In libexec/ since the front below took its place in bin/ (the suffix rebuilds a tier from before that).
        pin: `${PINS.languageHost.version}:libexec`,
        provided: userLanguageHost,
        estimate: "about 1 min",
        build: () =>
            goBuildFromWrapper({
                name: "language-nodejs",
                requires: [`${PINS.languageHost.module}@${PINS.languageHost.version}`],
                package: PINS.languageHost.package,
                output: join(paths.libexec, "pulumi-language-nodejs"),
                ldflags: `-X ${PINS.languageHost.versionVariable}=${PINS.languageHost.version}`,
            }),
    },
    {
        label: "Node.js host front (policy packs)",
        pin: nodejsHostFrontPin(),
        provided: userLanguageHost,
        estimate: "about 2 min",
        build: () =>
            goBuildFromWrapper({
                name: "language-nodejs-front",
                requires: [`${PINS.pulumi.sdkModule}@${PINS.pulumi.version}`],
                package: ".",
                sources: NODEJS_HOST_FRONT,
                output: join(paths.bin, "pulumi-language-nodejs"),
                ldflags: "",
            }),
    },
    {
        label: "Kubernetes provider",
        pin: PINS.kubernetes.version,
        estimate: "about 10 min on 2 cores",
        build: buildKubernetesProvider,
    },
    { label: "moto (AWS emulator)", pin: PINS.moto, estimate: "about 1 min", build: installMoto },
    {
        label: "stand-in AWS provider",
        // Installs a shim that runs engine/aws-provider from the program's checkout, else from this one: the version,
        // this checkout's launcher (its path and text) and the shim's form count.
        pin: `${awsVersion()}:shim-2:${join(__dirname, "aws-provider")}:${standInLauncher()}`,
        // Without it the tier's scenarios skip, saying so (engine/paths.ts engineMissing).
        provided: () =>
            existsSync(join(__dirname, "aws-provider", "install.ts"))
                ? undefined
                : "not in this checkout: the scenarios will skip",
        estimate: "seconds",
        build: installAwsStandIn,
    },
];

function standInLauncher(): string {
    const launcher = join(__dirname, "aws-provider", "pulumi-resource-aws");
    return existsSync(launcher) ? readFileSync(launcher, "utf8") : "absent";
}

async function main(): Promise<number> {
    for (const dir of [ENGINE_DIR, paths.bin, paths.libexec, paths.build, paths.stamps, paths.pulumiHome]) {
        mkdirSync(dir, { recursive: true });
    }
    const started = Date.now();
    let built = 0;
    for (const [index, step] of steps.entries()) {
        const prefix = `[${index + 1}/${steps.length}] ${step.label}`;
        const provided = step.provided?.();
        if (provided) {
            process.stdout.write(`✔ ${prefix}: ${provided}\n`);
            continue;
        }
        if (upToDate(step)) {
            process.stdout.write(`✔ ${prefix} ${step.pin.split(":")[0]}: up to date\n`);
            continue;
        }
        process.stdout.write(`▶ ${prefix} ${step.pin.split(":")[0]}: building (${step.estimate})\n`);
        const stepStarted = Date.now();
        try {
            await step.build();
        } catch (error) {
            process.stderr.write(`✖ ${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
            return 1;
        }
        writeFileSync(
            stampPath(step.label),
            JSON.stringify({ pin: step.pin, seconds: (Date.now() - stepStarted) / 1000 }),
        );
        process.stdout.write(`✔ ${prefix} built in ${elapsed(stepStarted)}\n`);
        built++;
    }
    process.stdout.write(
        built === 0
            ? `engine tier ready in ${ENGINE_DIR} (nothing to build)\n`
            : `engine tier ready in ${ENGINE_DIR}: ${built} piece(s) built in ${elapsed(started)}\n`,
    );
    return 0;
}

main().then((code) => (process.exitCode = code));
