// The pack's entry point: the only file that constructs the PolicyPack (constructing it starts the policy server).
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { enforcementLevel: "mandatory", policies });
