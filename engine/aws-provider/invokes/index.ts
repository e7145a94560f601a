/** Every data source the program calls, by its @pulumi/aws token. */
import { Clients } from "../context";
import { Props } from "../values";
import { getCallerIdentity, getKey, getOpenIdConnectProvider } from "./account";
import { getAddon, getCluster, getClusters } from "./eks";
import { getLogGroup, getLogGroups, getRouteTable, getRouteTables } from "./network";

export type Invoke = (clients: Clients, args: Props) => Promise<Props>;

export const INVOKES: Record<string, Invoke> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (clients) => getCallerIdentity(clients),
    "aws:cloudwatch/getLogGroup:getLogGroup": getLogGroup,
    "aws:cloudwatch/getLogGroups:getLogGroups": getLogGroups,
    "aws:ec2/getRouteTable:getRouteTable": getRouteTable,
    "aws:ec2/getRouteTables:getRouteTables": getRouteTables,
    "aws:eks/getAddon:getAddon": getAddon,
    "aws:eks/getCluster:getCluster": getCluster,
    "aws:eks/getClusters:getClusters": getClusters,
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": getOpenIdConnectProvider,
    "aws:kms/getKey:getKey": getKey,
};
