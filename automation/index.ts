/** Driving container-insights from a service: `import { runStack } from "container-insights/automation"`. */
export { runStack, RunOptions, RunResult } from "./runStack";
export { ACTIONS, Action, ConfigValue, RunRequest } from "./request";
export { InsightsEvent, PolicyViolation } from "./events";
export { SecretValue, StackOutput } from "./outputs";
export { StackQueue } from "./queue";
export { LockRetry } from "./retry";
export { Backend, StackHandle, WorkspaceOptions } from "./workspace";
export {
    AutomationError,
    AutomationErrorCode,
    CancelledError,
    InvalidEnvironmentError,
    InvalidRequestError,
    MissingTokenError,
    OperationFailedError,
    PolicyViolationError,
    PulumiCliMissingError,
    StackLockedError,
} from "./errors";
