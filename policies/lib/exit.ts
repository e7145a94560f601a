/**
 * How every CLI of the project ends. process.exit() right after a write drops whatever stdout or stderr has not
 * handed to the OS yet: on a pipe Node writes what the pipe takes (64 KiB on Linux) and queues the rest, so a large
 * `--json` report came out cut at 65,536 bytes. Dependency-free so the pack keeps installing on its own.
 */

/**
 * Sets the exit code and ends the process once stdout and stderr have drained (each stream's writes complete in order,
 * so an empty write's callback runs after everything written before it). Exiting then, rather than when the event loop
 * empties, keeps a stray timer or socket from holding a finished command open.
 */
export function exitWhenFlushed(code: number): void {
    process.exitCode = code;
    let pending = 2;
    const flushed = () => {
        pending -= 1;
        if (pending === 0) {
            process.exit(code);
        }
    };
    process.stdout.write("", flushed);
    process.stderr.write("", flushed);
}
