export { CONFIG_GROUPS, CONFIG_KEYS, ConfigKeySpec, NAMESPACE, configSetCommand, fieldOf, fullKey, groupOf } from "./keys";
export { ENVIRONMENTS, Environment, PLATFORM_ENDPOINTS, PlatformEndpoints } from "./environments";
export { ConfigError } from "./errors";
export { AddonGlobs, AddonsOptions, AgentOptions, ClusterFilters, CniMetricsOptions, FargateInsightsOptions, ParsedConfig, PrometheusOptions, RawConfig, parseConfig } from "./parse";
export { Settings, loadSettings } from "./load";
export { STACK_NAME_PATTERN, stackNameProblem } from "./stackName";
