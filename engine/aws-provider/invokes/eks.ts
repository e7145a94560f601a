/** aws.eks.getClusters, getCluster and getAddon, answered from the emulator's EKS API. */
import {
    Cluster,
    DescribeAddonCommand,
    DescribeClusterCommand,
    ListClustersCommand,
    ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import { Clients, regionOf } from "../context";
import { rfc3339 } from "../resources/naming";
import { need, Props } from "../values";
import { failed, notFound } from "./errors";

export async function getClusters(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const names: string[] = [];
    let nextToken: string | undefined;
    try {
        do {
            const page = await clients.eks(region).send(new ListClustersCommand({ maxResults: 100, nextToken }));
            names.push(...(page.clusters ?? []));
            nextToken = page.nextToken;
        } while (nextToken);
    } catch (error) {
        throw failed("EKS Clusters", "EKS", "ListClusters", error);
    }
    return { id: region, names, region };
}

function clusterOutputs(cluster: Cluster, region: string): Props {
    const vpc = cluster.resourcesVpcConfig;
    const network = cluster.kubernetesNetworkConfig;
    return {
        id: cluster.name,
        name: cluster.name,
        arn: cluster.arn,
        region,
        status: cluster.status,
        version: cluster.version ?? "",
        platformVersion: cluster.platformVersion ?? "",
        roleArn: cluster.roleArn ?? "",
        endpoint: cluster.endpoint ?? "",
        createdAt: rfc3339(cluster.createdAt),
        clusterId: cluster.id ?? "",
        certificateAuthorities: [{ data: cluster.certificateAuthority?.data ?? "" }],
        identities: cluster.identity?.oidc ? [{ oidcs: [{ issuer: cluster.identity.oidc.issuer ?? "" }] }] : [],
        tags: cluster.tags ?? {},
        vpcConfig: {
            clusterSecurityGroupId: vpc?.clusterSecurityGroupId ?? "",
            endpointPrivateAccess: vpc?.endpointPrivateAccess ?? false,
            endpointPublicAccess: vpc?.endpointPublicAccess ?? true,
            publicAccessCidrs: vpc?.publicAccessCidrs ?? [],
            securityGroupIds: vpc?.securityGroupIds ?? [],
            subnetIds: vpc?.subnetIds ?? [],
            vpcId: vpc?.vpcId ?? "",
        },
        accessConfigs: cluster.accessConfig
            ? [
                  {
                      authenticationMode: cluster.accessConfig.authenticationMode ?? "",
                      bootstrapClusterCreatorAdminPermissions:
                          cluster.accessConfig.bootstrapClusterCreatorAdminPermissions ?? false,
                  },
              ]
            : [],
        enabledClusterLogTypes: (cluster.logging?.clusterLogging ?? [])
            .filter((l) => l.enabled)
            .flatMap((l) => l.types ?? []),
        kubernetesNetworkConfigs: network
            ? [
                  {
                      ipFamily: network.ipFamily ?? "",
                      serviceIpv4Cidr: network.serviceIpv4Cidr ?? "",
                      serviceIpv6Cidr: network.serviceIpv6Cidr ?? "",
                      elasticLoadBalancings: [],
                  },
              ]
            : [],
        deletionProtection: false,
        computeConfigs: [],
        controlPlaneScalingConfigs: [],
        kubeApiServerConfigs: [],
        kubeControllerManagerConfigs: [],
        kubeSchedulerConfigs: [],
        outpostConfigs: [],
        remoteNetworkConfigs: [],
        storageConfigs: [],
        upgradePolicies: [],
        zonalShiftConfigs: [],
    };
}

export async function getCluster(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const name = need(args, "name");
    try {
        const { cluster } = await clients.eks(region).send(new DescribeClusterCommand({ name }));
        return clusterOutputs(cluster!, region);
    } catch (error) {
        throw error instanceof ResourceNotFoundException
            ? notFound(`EKS Cluster (${name})`)
            : failed(`EKS Cluster (${name})`, "EKS", "DescribeCluster", error);
    }
}

export async function getAddon(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const clusterName = need(args, "clusterName");
    const addonName = need(args, "addonName");
    const id = `${clusterName}:${addonName}`;
    try {
        const { addon } = await clients.eks(region).send(new DescribeAddonCommand({ clusterName, addonName }));
        return {
            id,
            addonName,
            clusterName,
            region,
            arn: addon!.addonArn ?? "",
            addonVersion: addon!.addonVersion ?? "",
            configurationValues: addon!.configurationValues ?? "",
            serviceAccountRoleArn: addon!.serviceAccountRoleArn ?? "",
            createdAt: rfc3339(addon!.createdAt),
            modifiedAt: rfc3339(addon!.modifiedAt),
            podIdentityAssociations: [],
            tags: addon!.tags ?? {},
        };
    } catch (error) {
        throw error instanceof ResourceNotFoundException
            ? notFound(`EKS Add-On (${id})`)
            : failed(`EKS Add-On (${id})`, "EKS", "DescribeAddon", error);
    }
}
