/**
 * Loaded by .mocharc.json before any test: the program's own log lines, which Pulumi's SDK prints on the console when
 * no engine runs (`info: [runtime] ...`, `warning: [runtime] ...` under the mocks), stay out of the test reporter.
 * The harness records a run's warnings for tests to assert (ProgramRun.warnings). Errors still print; TEST_RUNTIME_LOG=1 shows all.
 */
const RUNTIME_LINE = /^(debug|info|warning): \[runtime\] /;

export function isRuntimeLogLine(args: readonly unknown[]): boolean {
    return typeof args[0] === "string" && RUNTIME_LINE.test(args[0]);
}

if (!process.env.TEST_RUNTIME_LOG) {
    for (const method of ["log", "warn"] as const) {
        const original = console[method].bind(console);
        console[method] = (...args: unknown[]) => {
            if (!isRuntimeLogLine(args)) {
                original(...args);
            }
        };
    }
}
