/**
 * The reconciler's events on the stack's home bus that the watch queue receives (the contract with the events side:
 * source "container-insights", one of two detail-types). Duplicated here until lambda/reconciler/clusterEvents.ts
 * exports them.
 */
export const CLUSTER_EVENT_SOURCE = "container-insights";
export const CLUSTER_IDENTITY_READY = "Cluster Identity Ready";
export const CLUSTER_REMOVED = "Cluster Removed";
