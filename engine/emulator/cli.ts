/**
 * npm run emulator [-- --account-id <12 digits>] [--region <region>] [--verbose]
 *
 * Starts the AWS emulator (moto and the EKS fake in front of it) for manual engine runs, prints the environment to
 * export in another shell, and runs until Ctrl-C (or SIGTERM), which stops moto too.
 */
import { USAGE_EXIT_CODE, UsageError, parseFlags, usageMessage, wantsHelp } from "../../policies/lib/cliArgs";
import { startEmulator } from "./index";

const USAGE = "usage: npm run emulator [-- --account-id <12 digits>] [--region <region>] [--verbose]";

/** A shell word that reads back as `value` (single quotes; an empty value stays visible). */
function shellWord(value: string): string {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function exportLines(env: Record<string, string>): string[] {
    return Object.entries(env).map(([name, value]) => `export ${name}=${shellWord(value)}`);
}

async function main(argv: string[]): Promise<void> {
    if (wantsHelp(argv)) {
        console.log(USAGE);
        return;
    }
    const flags = parseFlags(undefined, argv, {
        values: ["account-id", "region"],
        switches: { verbose: undefined },
        hints: { "account-id": "a 12-digit account id", region: "an AWS region, e.g. us-east-1" },
    });
    if (flags.positionals.length > 0) {
        throw new UsageError(`unknown argument ${flags.positionals[0]}`);
    }
    const accountId = flags.values["account-id"];
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
        throw new UsageError(`--account-id must be 12 digits, not ${JSON.stringify(accountId)}`);
    }
    console.log("starting moto …");
    const emulator = await startEmulator({
        accountId,
        region: flags.values.region,
        log: flags.switches.has("verbose") ? (line) => console.log(`moto: ${line}`) : undefined,
    });
    console.log(
        `AWS emulator running: moto ${emulator.endpoint} (pid ${emulator.pid}), EKS ${emulator.eksEndpoint}, ` +
            `account ${emulator.accountId}. In another shell:`,
    );
    exportLines(emulator.env).forEach((line) => console.log(line));
    console.log("Ctrl-C stops it.");
    await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
    });
    await emulator.stop();
    console.log("AWS emulator stopped.");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((error: Error) => {
        if (error instanceof UsageError) {
            console.error(usageMessage("emulator", error.message, USAGE));
            process.exitCode = USAGE_EXIT_CODE;
        } else {
            console.error(error.message);
            process.exitCode = 1;
        }
    });
}
