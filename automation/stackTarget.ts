/** Which stack a read-only command (adopt, status) is about, and the region it reads the account in. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { StackConfig, readStackConfig } from "../scripts/stackConfig";
import { ParsedFlags, UsageProblems, environmentFlag } from "./cliArgs";
import { PROJECT_DIR } from "./workspace";

export interface StackTarget {
    /** --stack, else --env's stack. */
    stackName: string;
    projectDir: string;
    /** stacks/Pulumi.<stack>.yaml, when the project has it. */
    file?: StackConfig;
    /** --region, else the stack file's aws:region, else AWS_REGION. */
    region: string;
}

/**
 * The stack and region from the command's flags (--env, --stack, --region, no positional argument). Throws every
 * usage problem together: these and those already noted in `problems` (the flags' own).
 */
export function stackTarget(
    command: string,
    flags: ParsedFlags,
    problems: UsageProblems,
    io: { env: NodeJS.ProcessEnv; projectDir?: string },
): StackTarget {
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = problems.check(() => environmentFlag(command, flags.values.env));
    const stackName = flags.values.stack ?? environment;
    const projectDir = io.projectDir ?? PROJECT_DIR;
    const file =
        stackName !== undefined && existsSync(join(projectDir, "stacks", `Pulumi.${stackName}.yaml`))
            ? readStackConfig(stackName, projectDir)
            : undefined;
    const region = flags.values.region ?? file?.awsRegion ?? io.env.AWS_REGION;
    if (!region && stackName !== undefined) {
        problems.add("no region: pass --region (the stack's aws:region)");
    }
    problems.throwIfAny();
    // Both are set here: a missing one was noted as a problem above.
    return { stackName: stackName!, projectDir, file, region: region! };
}
