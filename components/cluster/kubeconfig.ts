/** A kubeconfig that authenticates with `aws eks get-token`, so it never holds a long-lived credential. */
export function kubeconfig(args: {
    name: string;
    region: string;
    endpoint: string;
    certificateAuthority: string;
    assumeRoleArn?: string;
}): string {
    const getToken = ["eks", "get-token", "--cluster-name", args.name, "--region", args.region];
    if (args.assumeRoleArn) {
        getToken.push("--role-arn", args.assumeRoleArn);
    }
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: args.name,
                cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthority },
            },
        ],
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: getToken,
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: args.name, context: { cluster: args.name, user: "aws" } }],
        "current-context": args.name,
    });
}
