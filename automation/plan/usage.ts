/** The plan command's help, apart from its code so that `--help` loads nothing else. */
export const PLAN_USAGE =
    "plan --env <prod|uat> [--stack NAME] [--account ID] [--fleet fleet.json] [--set key=value]... [--json]";

export const PLAN_DETAILS = [
    "Offline: no Pulumi CLI, no AWS. Runs the program under Pulumi's mocks with the stack's config (its file,",
    "Pulumi.yaml's defaults, then each --set as `pulumi config set --path` would) on the fleet in --fleet, a JSON file",
    'of clusters per region ({"us-east-1": [{"name": "prod-a", "tags": {"team": "a"}}]}; no file: no clusters).',
    "Prints the resources it would create, grouped by component, and the warnings; --json prints",
    '{"resources": [{"type", "name", "parent"}], "warnings": [...]}.',
    "--set values (secrets too, for a dry plan) are never written anywhere. Secrets stored in the stack file cannot be",
    "read offline and are planned as set. Images the lock does not pin yet are a warning here (a deploy stops on them).",
    "exit codes: 0 planned; 1 the program failed; 2 bad usage or config problems (every one is listed).",
];
