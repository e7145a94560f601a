/** Whether the tests that need moto in server mode can start it here (the engine tier's venv, else PATH). */
import { findMotoServer, interpreterOf } from "../engine/emulator/moto";

/** Why moto cannot be started here, or undefined when it can. */
export function motoMissing(): string | undefined {
    const command = findMotoServer();
    if (!command) {
        return "no moto_server in .engine/venv or on PATH";
    }
    try {
        interpreterOf(command);
        return undefined;
    } catch {
        return `${command} is not a Python console script startMoto can run (a version manager's shim?)`;
    }
}
