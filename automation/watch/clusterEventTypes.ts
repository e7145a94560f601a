/**
 * The reconciler's events on the stack's home bus that the watch queue receives (the contract with the events side:
 * source "container-insights", one of two detail-types), from the module that publishes them.
 */
export { CLUSTER_EVENT_SOURCE, CLUSTER_IDENTITY_READY, CLUSTER_REMOVED } from "../../lambda/reconciler/clusterEvents";
