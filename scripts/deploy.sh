#!/usr/bin/env bash
# Deploys one stack: npm run up -- <prod|uat> [extra `pulumi up` flags]
# Uses the configured Pulumi backend, or a local file backend in .pulumi-state/ when none is configured,
# and applies the policy pack in policies/, with policies/config.<stack>.json as its config when that file exists.
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${1:-}"
if [[ -z "$stack" || "$stack" == -* ]]; then
    echo "usage: npm run up -- <stack> [pulumi up flags]   (stacks: $(ls stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | tr '\n' ' '))" >&2
    exit 2
fi
shift
if [[ ! -f "stacks/Pulumi.$stack.yaml" ]]; then
    echo "no stack file stacks/Pulumi.$stack.yaml; known stacks: $(ls stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | tr '\n' ' ')" >&2
    exit 2
fi
if ! command -v pulumi >/dev/null 2>&1; then
    echo "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and run again" >&2
    exit 127
fi

if [[ -z "${PULUMI_BACKEND_URL:-}" ]] && ! pulumi whoami >/dev/null 2>&1; then
    mkdir -p .pulumi-state
    # metadata=skip: as automation/fileBackend.ts explains (a checkpoint load during a save fails with EOF without it).
    export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state?metadata=skip"
    echo "no Pulumi backend configured: using the local file backend in .pulumi-state/ (set PULUMI_CONFIG_PASSPHRASE for its secrets)"
fi

pulumi stack select --create "$stack"
policy=()
if [[ -f policies/PulumiPolicy.yaml ]]; then
    policy=(--policy-pack policies)
    if [[ -f "policies/config.$stack.json" ]]; then
        policy+=(--policy-pack-config "policies/config.$stack.json")
    fi
fi
exec pulumi up --stack "$stack" "${policy[@]}" "$@"
