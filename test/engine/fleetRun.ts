/**
 * `container-insights fleet <args>` in this process on an engine-tier workspace's checkout and file backend. Not
 * through the CLI entry: the only Node.js language host the registries can build (v3.68.0) cannot run the policy pack,
 * which the fleet's runStack applies (docs/engine-tier.md); here each stack runs without it. Every step the engine
 * reports (its own resource events, `same` left out) is kept with its stack's name. The command's own code lists the
 * accounts (Organizations) and assumes --role (STS), with SDK clients pointed at the stack's emulator.
 */
import { join } from "node:path";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { resolveAccounts } from "../../automation/fleet/accounts";
import { programDigest, runFleetCommand } from "../../automation/fleet/command";
import { AccountEnv, accountEnv, callerAccount } from "../../automation/fleet/credentials";
import { cliStackStates } from "../../automation/fleet/migrate/stackStates";
import { runStack } from "../../automation/runStack";
import { openLocalStack } from "../../automation/workspace";
import { clientConfig } from "../../engine/emulator/seed";
import { ENGINE_DIR } from "../../engine/paths";
import { DeployedStack, STACK } from "./stack";

export interface EngineStep {
    stack: string;
    op: string;
    urn: string;
    type: string;
}

export interface FleetRunResult {
    status: number;
    stdout: string;
    steps: EngineStep[];
    /** The environments the command made with AssumeRole, one per member account's stack run (never printed). */
    assumed: AccountEnv[];
}

export async function runFleet(stack: DeployedStack, ...args: string[]): Promise<FleetRunResult> {
    const env = stack.workspace.environment() as Record<string, string>;
    const emulator = stack.emulator.env;
    const where = {
        projectDir: stack.workspace.dir,
        pulumiHome: ENGINE_DIR,
        backend: "configured" as const,
        envVars: env,
    };
    const lines: string[] = [];
    const steps: EngineStep[] = [];
    const assumed: AccountEnv[] = [];
    const journal = join(stack.workspace.dir, "journal.json");
    // fleet migrate keeps no journal.
    const journalFlags = args[0] === "migrate" ? [] : ["--journal", journal];
    const sts = () => new STSClient(clientConfig(emulator, "us-east-1", "STS"));
    const status = await runFleetCommand([...args, "--env", STACK, ...journalFlags], {
        out: (line) => lines.push(line),
        err: (line) => lines.push(line),
        env,
        templateConfig: async (name) =>
            (await openLocalStack(name, { ...where, existingOnly: true })).stack.getAllConfig(),
        callerAccount: () => callerAccount(sts()),
        accounts: (source) =>
            resolveAccounts(source, () => new OrganizationsClient(clientConfig(emulator, "us-east-1"))),
        assume: async (accountId, callerId, partition, roleName) => {
            const made = await accountEnv(accountId, callerId, {
                sts: sts(),
                partition,
                roleName,
                sessionName: `container-insights-fleet-${STACK}`,
            });
            assumed.push(made);
            return made;
        },
        run: (request, options) =>
            runStack(request, {
                ...options,
                ...where,
                envVars: { ...env, ...options.envVars },
                policyPack: false,
                onEvent: (event) => {
                    if (event.type === "resource-started" && event.op !== "same") {
                        steps.push({
                            stack: request.stackName!,
                            op: event.op,
                            urn: event.urn,
                            type: event.resourceType,
                        });
                    }
                },
            }),
        states: cliStackStates(where),
        // The program the stacks run is the workspace's copy: a change to this checkout during a run is not theirs.
        programDigest: () => programDigest(stack.workspace.dir),
    });
    return { status, stdout: lines.join("\n"), steps, assumed };
}
