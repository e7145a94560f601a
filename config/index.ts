export { CONFIG_KEYS, ConfigKeySpec, NAMESPACE, fullKey } from "./keys";
export { ENVIRONMENTS, Environment, PLATFORM_ENDPOINTS, PlatformEndpoints } from "./environments";
export { ConfigError } from "./errors";
export { AgentOptions, ClusterFilters, ParsedConfig, RawConfig, parseConfig } from "./parse";
export { Settings, loadSettings } from "./load";
