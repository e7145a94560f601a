/** `--fleet fleet.json`: the clusters per region a plan runs the program on, checked against a schema. */
import Ajv, { ErrorObject } from "ajv";
import { readFileSync } from "node:fs";
import { AWS_REGION_PATTERN } from "../../config/keys";
import { Fleet } from "./fleet";

const SUBNET = {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: {
        id: { type: "string", minLength: 1 },
        public: { type: "boolean" },
        routeTable: { enum: ["own", "main"] },
    },
};

const CLUSTER = {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
        name: { type: "string", pattern: "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$" },
        status: { enum: ["ACTIVE", "CREATING", "DELETING", "FAILED", "UPDATING", "PENDING"] },
        oidc: { type: "boolean" },
        oidcProvider: { type: "boolean" },
        ebsCsiAddon: { type: "boolean" },
        podIdentityAgent: { type: "boolean" },
        tags: { type: "object", additionalProperties: { type: "string" } },
        fargateProfiles: { type: "array", items: { type: "array", items: { type: "string" } } },
        subnets: { type: "array", items: SUBNET },
        mainRouteTablePublic: { type: "boolean" },
        performanceLogGroup: { enum: ["ours", "foreign"] },
    },
};

export const FLEET_SCHEMA = {
    type: "object",
    propertyNames: { pattern: AWS_REGION_PATTERN },
    additionalProperties: { type: "array", items: CLUSTER },
};

const validate = new Ajv({ allErrors: true }).compile(FLEET_SCHEMA);

function describe(file: string, error: ErrorObject): string {
    const at = error.instancePath === "" ? "" : ` at ${error.instancePath}`;
    if (error.keyword === "additionalProperties") {
        const known = Object.keys(CLUSTER.properties).join(", ");
        return `${file}${at}: unknown field ${JSON.stringify(error.params.additionalProperty)} (known: ${known})`;
    }
    if (error.keyword === "propertyNames") {
        return `${file}: ${JSON.stringify(error.params.propertyName)} is not an AWS region name (such as us-east-1)`;
    }
    if (error.keyword === "enum") {
        return `${file}${at}: must be one of ${(error.params.allowedValues as string[]).join(", ")}`;
    }
    return `${file}${at}: ${error.message}`;
}

/** The fleet in `text`, or every problem with it (one line each, naming the file and where). */
export function parseFleet(text: string, file: string): { fleet: Fleet } | { problems: string[] } {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        return { problems: [`${file}: not valid JSON: ${(error as Error).message}`] };
    }
    if (validate(value)) {
        return { fleet: value as Fleet };
    }
    const problems = (validate.errors ?? [])
        .filter((e) => !e.schemaPath.startsWith("#/propertyNames/"))
        .map((e) => describe(file, e));
    return { problems: [...new Set(problems)] };
}

export function readFleetFile(file: string): { fleet: Fleet } | { problems: string[] } {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return { problems: [`${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`] };
    }
    return parseFleet(text, file);
}
