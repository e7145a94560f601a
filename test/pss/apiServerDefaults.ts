/**
 * The pod as Pod Security Admission sees it in a cluster: after the API server's defaults. Only the two defaults that
 * change a PSA verdict (kubernetes pkg/apis/core/v1/defaults.go): SetDefaults_Volume makes a volume without a source
 * an emptyDir, and SetDefaults_Pod, under hostNetwork, gives every port of containers and initContainers without a
 * hostPort its containerPort as hostPort. PSA's own fixtures expect both (restrictedvolumes0: "implicit empty dir").
 * The pack judges manifests as the cluster will, so the oracle is handed the defaulted pod.
 */
type Json = Record<string, any>;

const NOT_SOURCES = new Set(["name"]);

export function withApiServerDefaults(podSpec: Json): Json {
    const spec = structuredClone(podSpec);
    for (const volume of spec.volumes ?? []) {
        if (Object.keys(volume).every((key) => NOT_SOURCES.has(key) || volume[key] === null)) {
            volume.emptyDir = {};
        }
    }
    if (spec.hostNetwork === true) {
        for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
            for (const port of container.ports ?? []) {
                if (!port.hostPort) {
                    port.hostPort = port.containerPort;
                }
            }
        }
    }
    return spec;
}
