/** Every container image of a Kubernetes workload, with a label for messages. */
import { Finding, Subject, unknownValue } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { containersOf, workloadOf } from "../kubernetes/workloads";

export interface ContainerImage {
    /** e.g. `DaemonSet nops/agent, container app (spec.template.spec.containers[0])` */
    where: string;
    image: string;
}

/** The images, plus findings for the ones not known during preview. */
export function containerImages(subject: Subject): { images: ContainerImage[]; unknown: Finding[] } {
    const workload = workloadOf(subject.type, subject.props, subject.name);
    if (!workload) {
        return { images: [], unknown: [] };
    }
    const label = `${workload.kind} ${workload.namespace}/${workload.name}`;
    const unknown: Finding[] = [];
    const images: ContainerImage[] = [];
    const containers = workload.podSpecs.flatMap((site) => {
        if (!site.spec) {
            unknown.push(unknownValue(`${label}: the pod spec at ${site.path}`));
            return [];
        }
        const found = containersOf(site);
        unknown.push(...found.unknownPaths.map((path) => unknownValue(`${label}: ${path}`)));
        return found.containers;
    });
    for (const { name, path, container } of containers) {
        const where = `${label}, container ${name} (${path})`;
        if (isUnknown(container.image)) {
            unknown.push(unknownValue(`${where}: the image`));
        } else {
            images.push({ where, image: typeof container.image === "string" ? container.image : "" });
        }
    }
    return { images, unknown };
}
