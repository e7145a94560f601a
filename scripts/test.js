#!/usr/bin/env node
// `npm test`: type-check and lint side by side (each uses one core), then the mocha suite. Says what runs from the
// first second, and how long each step took. Plain JavaScript, so nothing is compiled before the first line prints.
const { spawn } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");
/** The whole suite. Not in .mocharc.json, whose `spec` mocha would add to any file named on its command line. */
const SUITE = "test/**/*.test.ts";
const bin = (name) => join(root, "node_modules", ".bin", name);

function run(label, command, args, { capture }) {
    const started = Date.now();
    process.stdout.write(`▶ ${label}: ${[command.replace(`${root}/`, ""), ...args].join(" ").replace(/^node_modules\/\.bin\//, "")}\n`);
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: root, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
        let output = "";
        if (capture) {
            child.stdout.on("data", (chunk) => (output += chunk));
            child.stderr.on("data", (chunk) => (output += chunk));
        }
        child.on("close", (code) => {
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            process.stdout.write(`${code === 0 ? "✔" : "✖"} ${label} ${code === 0 ? "passed" : "failed"} (${seconds} s)\n`);
            if (output.trim() !== "") {
                process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
            }
            resolve(code ?? 1);
        });
    });
}

/** While captured steps run, a line every HEARTBEAT_S seconds naming those still running, so no stretch is silent. */
const HEARTBEAT_S = 15;

async function main() {
    const started = Date.now();
    const running = new Set(["type-check", "lint"]);
    const heartbeat = setInterval(() => {
        const seconds = Math.round((Date.now() - started) / 1000);
        process.stdout.write(`… ${[...running].join(" and ")} still running (${seconds} s)\n`);
    }, HEARTBEAT_S * 1000);
    const step = (label, command, args) =>
        run(label, command, args, { capture: true }).then((code) => (running.delete(label), code));
    const [typecheck, lint] = await Promise.all([
        step("type-check", bin("tsc"), ["--noEmit"]),
        step("lint", bin("eslint"), ["."]),
    ]);
    clearInterval(heartbeat);
    if (typecheck !== 0 || lint !== 0) {
        return 1;
    }
    const args = process.argv.slice(2);
    const namesFiles = args.some((arg) => !arg.startsWith("-") && /\.ts$|\//.test(arg));
    const tests = await run("tests", bin("mocha"), namesFiles ? args : [...args, SUITE], { capture: false });
    process.stdout.write(`npm test ${tests === 0 ? "passed" : "failed"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return tests;
}

// exitCode, not exit(): the captured type-check and lint output must reach a piped stdout whole.
main().then((code) => (process.exitCode = code));
