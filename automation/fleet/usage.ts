/** The fleet command's help, apart from its code so that `--help` loads nothing else. */
export const FLEET_USAGE =
    "fleet <up|preview|status|migrate> --env <prod|uat> [--accounts FILE.yaml|organization[:ou-…]] [--role NAME] [--regions a,b] [--concurrency 4] [--groups 1] [--shards N] [--journal FILE] [--all] [--yes]";

export const FLEET_DETAILS = [
    "Per account: an account stack <env>-<account> (bucket, identities, reconciler, events) and one cluster stack per",
    "region <account stack>-<region> (that region's agents; it reads the account stack's outputs through a StackReference),",
    "each from the template stack <env>'s config. Without --accounts: the account the credentials are in, whose account",
    "stack is <env> itself (an existing whole stack: run fleet migrate first, see docs/fleet.md).",
    '--accounts FILE.yaml (accounts: [{id: "111122223333", name?, regions?: [...]}]) or organization[:<ou or root id>]',
    "(AWS Organizations ListAccounts, or ListAccountsForParent); --role: the role assumed in each member account.",
    "--concurrency: stacks deployed at once (default 4). A line per finished stack (done of total, ETA), then a summary.",
    "--groups N: N cluster stacks per region, <account stack>-<region>-<0..N-1>, each cluster in one by a hash of its name.",
    "up records each stack's result in the journal (--journal, default stacks/.fleet-<env>.json): a re-run deploys only",
    "the stacks that failed or whose config, program or account stack changed (--all: every stack). status prints it.",
    "--shards N: this process takes the accounts at JOB_COMPLETION_INDEX, +N, +2N... (a Kubernetes Indexed Job's pod).",
    "migrate --env <env> [--groups N] [--backup-dir DIR] [--yes]: moves an existing whole stack <env>'s agents into its cluster",
    "stacks in the state only (fleet up then reinstalls nothing); without --yes it prints the plan; each stack's state is",
    "backed up first (default stacks/.migrate-<env>-<time>/). Then fleet up --env <env> --yes with the same --groups.",
    "exit codes: 0 every stack succeeded; 1 a stack failed; 2 bad usage; 3 cancelled (Ctrl-C).",
];
