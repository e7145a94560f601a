/**
 * Which stack names the program can run under. The reconciler's Lambda functions are named after the stack
 * (common/naming.ts reconcilerFunctionNames), and Lambda function names allow only letters, digits, - and _; Pulumi
 * itself allows `.` too, and at most 100 characters. Other names derived from the stack (the IAM path
 * `/container-insights/<stack>/`, the read policy `nops-container-cost-read-<stack>`, 128 at most) fit any such name.
 */
export const STACK_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Why a stack name cannot be used, or undefined when it can. */
export function stackNameProblem(stackName: string): string | undefined {
    if (STACK_NAME_PATTERN.test(stackName)) {
        return undefined;
    }
    const suggestion = stackName.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100) || "prod";
    return (
        `stack name ${JSON.stringify(stackName)} is not allowed: this stack's Lambda functions are named after it, ` +
        `so it may hold only letters, digits, - and _ (1-100 characters); allowed: a name such as ${JSON.stringify(suggestion)} ` +
        `(pulumi stack rename ${suggestion})`
    );
}
