/**
 * The Pulumi CLI's config, replayed: a faithful replay of how the Pulumi CLI stores, merges and hands over stack config, so that code and tests can
 * see the exact map a real `pulumi up` gives the program. Each function names the Go code it mirrors
 * (pulumi/pulumi sdk/go/common/resource/config/{map,value,object,key}.go, sdk/go/common/resource/properties_path.go,
 * pkg/workspace/config.go mergeConfig, sdk/go/common/workspace/project.go ValidateConfigValue,
 * pkg/cmd/pulumi/config/io.go parseConfigKey, sdk/nodejs/cmd/pulumi-language-nodejs constructConfig).
 * Secret values are kept as plain text (no encryption), marked secure.
 * Not replayed: ESC environments, int64 values beyond 2^53, Go's float formatting and YAML timestamps.
 */
export * from "./configMap";
export * from "./paths";
export * from "./project";
export * from "./stack";
export * from "./values";
