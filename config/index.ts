export {
    CONFIG_GROUPS,
    CONFIG_KEYS,
    ConfigKeySpec,
    NAMESPACE,
    configSetCommand,
    fieldOf,
    fullKey,
    groupOf,
} from "./keys";
export { ENVIRONMENTS, Environment, PLATFORM_ENDPOINTS, PlatformEndpoints } from "./environments";
export { ConfigError } from "./errors";
export {
    AddonGlobs,
    AddonsOptions,
    AgentOptions,
    ConfigValues,
    ParsedConfig,
    PrometheusOptions,
    RawConfig,
    parseConfig,
    resolveIdentityMode,
} from "./parse";
export { ClusterFilters } from "../common/selection";
export { AgentSettings, Settings, installsAgent, loadSettings } from "./load";
export { STACK_NAME_PATTERN, stackNameProblem } from "./stackName";
