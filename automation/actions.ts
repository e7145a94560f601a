/** The stack operations runStack performs (a module of its own: the CLI's help and parsing load nothing else). */
export const ACTIONS = ["preview", "up", "refresh", "destroy"] as const;
export type Action = (typeof ACTIONS)[number];
