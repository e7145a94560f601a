/**
 * A stand-in for pulumi-resource-aws, for the engine tier (the real provider cannot be built from the registries:
 * pulumi-aws replaces terraform-provider-aws with a patched submodule no registry carries).
 *
 * What it is: a Pulumi resource provider (@pulumi/pulumi/provider `main()`), registered as `aws` at exactly the
 * version of @pulumi/aws in node_modules, for the resource types and data sources this program uses, against an AWS
 * emulator (moto, plus the tier's EKS fake) reached through the AWS SDK v3 and its endpoint variables:
 * - Check: required inputs, autonaming as the bridge does it (`<name>-<7 hex>`, kept across updates, `__defaults`),
 *   schema defaults, and the value rules AWS enforces on what the program sets (check/rules.ts). Some of those the
 *   real provider reports only when the AWS call fails at create; here they fail the preview.
 * - Diff: replacements from one table of terraform-provider-aws ForceNew flags (forceNew.ts, each row citing its
 *   schema file); delete-before-replace for a replaced resource whose autonameable name the program set.
 * - Create/Read/Update/Delete: in the emulator (IAM, S3, Secrets Manager, EventBridge, SQS, CloudWatch Logs, Lambda
 *   functions and permissions, KMS, EKS Fargate profiles; EKS add-ons and Pod Identity associations with the EKS
 *   fake) or in the Pulumi state only (CloudWatch alarms, SNS, CloudTrail, Lambda event source mappings; EKS add-ons
 *   and associations without the fake): resources/*.ts say which.
 * - aws.lambda.Invocation runs the deployed function's code (kept on disk, lambda/functionStore.ts) in a child
 *   process with the `tf` payload the real provider sends, the function's environment and its role's credentials.
 * - Data sources (invokes/): answered from the emulator, errors worded as the provider words them.
 *
 * What it is not: terraform-provider-aws. No schema (GetSchema answers "{}"), no provider configuration (the Node
 * provider server answers CheckConfig/DiffConfig UNIMPLEMENTED and drops Configure's variables: the region is the
 * resource's `region` input, else AWS_REGION), no previews of updates (the Node server declares no preview support, so
 * in `pulumi preview` an updated resource's computed outputs are unknown where the real provider keeps them), no
 * `stables` reaching the engine (the Node server does not forward them), no resource types or properties the program
 * does not use, no retries on eventual consistency, no default tags, no assume-role or profile handling.
 */
import { main } from "@pulumi/pulumi/provider";
import { StandInProvider } from "./provider";
import { awsPackageVersion } from "./version";

main(new StandInProvider(awsPackageVersion()), process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`stand-in aws provider: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
});
