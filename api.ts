/**
 * The package's entry (`require("container-insights")`): the ContainerInsights component and its args, for teams
 * that add the onboarding to their own Pulumi program. Importing it reads no stack config and registers nothing;
 * index.ts is the stack program of this project, not the package's entry.
 */
export { ContainerInsights, ContainerInsightsArgs, rawConfigOf, settingsOf } from "./components/containerInsights";
export { ProgramOutputs } from "./program";
export { ConfigError, ConfigValues } from "./config";
export { configTable } from "./config/docsTable";
export { CONFIG_KEYS, ConfigKeySpec } from "./config/keys";
