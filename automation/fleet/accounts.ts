/**
 * The member accounts a fleet covers: `--accounts <file.yaml>` (a list the user keeps) or `--accounts organization`
 * / `organization:<ou-or-root-id>` (AWS Organizations' ListAccounts, or ListAccountsForParent for one OU or root;
 * direct children only, as the API lists them). Only ACTIVE accounts are deployed to.
 */
import { readFileSync } from "node:fs";
import {
    Account,
    OrganizationsClient,
    paginateListAccounts,
    paginateListAccountsForParent,
} from "@aws-sdk/client-organizations";
import Ajv from "ajv";
import { parse } from "yaml";
import { AWS_REGION_PATTERN } from "../../config/keys";

export interface MemberAccount {
    id: string;
    /** Its name in the organization or the file (for the summary only). */
    name?: string;
    /** Regions for this account only; the template config's includeRegions otherwise. */
    regions?: string[];
}

export type AccountSource = { kind: "file"; path: string } | { kind: "organization"; parentId?: string };

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

/** Parses `--accounts`: `organization`, `organization:<ou-… or r-…>`, or a YAML file's path. */
export function accountSource(value: string): AccountSource {
    if (value === "organization") {
        return { kind: "organization" };
    }
    if (value.startsWith("organization:")) {
        const parentId = value.slice("organization:".length);
        if (!PARENT_ID.test(parentId)) {
            throw new RangeError(
                `--accounts ${JSON.stringify(value)}: ${JSON.stringify(parentId)} is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)`,
            );
        }
        return { kind: "organization", parentId };
    }
    return { kind: "file", path: value };
}

const FILE_SCHEMA = {
    type: "object",
    required: ["accounts"],
    additionalProperties: false,
    properties: {
        accounts: {
            type: "array",
            minItems: 1,
            items: {
                type: "object",
                required: ["id"],
                additionalProperties: false,
                properties: {
                    id: { type: "string", pattern: "^\\d{12}$" },
                    name: { type: "string", minLength: 1 },
                    regions: {
                        type: "array",
                        minItems: 1,
                        uniqueItems: true,
                        items: { type: "string", pattern: AWS_REGION_PATTERN },
                    },
                },
            },
        },
    },
} as const;

const validateFile = new Ajv({ allErrors: true, verbose: true }).compile(FILE_SCHEMA);

export class AccountsFileError extends Error {
    constructor(path: string, problems: string[]) {
        super(`${path}: ${problems.join("; ")}`);
        this.name = "AccountsFileError";
    }
}

/** The accounts of a file `accounts: [{id: "111122223333", name?, regions?: [..]}]`; every problem named at once. */
export function parseAccountsFile(path: string, text: string): MemberAccount[] {
    let document: unknown;
    try {
        document = parse(text);
    } catch (error) {
        throw new AccountsFileError(path, [`not YAML (${(error as Error).message})`]);
    }
    if (!validateFile(document)) {
        const problems = (validateFile.errors ?? []).map((e) => {
            const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "the file";
            if (e.keyword === "additionalProperties") {
                const allowed = where === "the file" ? "accounts" : "id, name, regions";
                return `${where}: unknown key ${JSON.stringify(e.params.additionalProperty)} (allowed: ${allowed})`;
            }
            if (e.keyword === "type" && /\.id$/.test(where)) {
                return `${where}: write the account id as a quoted string of 12 digits ("012345678901"): YAML reads a bare number and drops leading zeros`;
            }
            if (e.keyword === "pattern" && /\.id$/.test(where)) {
                return `${where}: ${JSON.stringify(e.data)} is not a 12-digit AWS account id`;
            }
            if (e.keyword === "pattern") {
                return `${where}: ${JSON.stringify(e.data)} is not an AWS region name (such as us-east-1)`;
            }
            return `${where} ${e.message}`;
        });
        throw new AccountsFileError(path, problems);
    }
    const accounts = (document as { accounts: MemberAccount[] }).accounts;
    const seen = new Set<string>();
    const twice = accounts.filter((a) => seen.size === seen.add(a.id).size).map((a) => a.id);
    if (twice.length > 0) {
        throw new AccountsFileError(path, [`account ${[...new Set(twice)].join(", ")} listed twice; list each once`]);
    }
    return accounts;
}

export function readAccountsFile(path: string): MemberAccount[] {
    return parseAccountsFile(path, readFileSync(path, "utf8"));
}

/** ACTIVE (the API's State; Status before it) accounts, in the order Organizations listed them. */
function active(accounts: Account[]): MemberAccount[] {
    return accounts
        .filter((a) => (a.State ?? a.Status) === "ACTIVE" && a.Id)
        .map((a) => ({ id: a.Id!, ...(a.Name ? { name: a.Name } : {}) }));
}

/** The organization's accounts (ListAccounts), or one OU's or root's direct children (ListAccountsForParent). */
export async function listOrganizationAccounts(
    client: OrganizationsClient,
    parentId?: string,
): Promise<MemberAccount[]> {
    const listed: Account[] = [];
    const pages = parentId
        ? paginateListAccountsForParent({ client }, { ParentId: parentId })
        : paginateListAccounts({ client }, {});
    for await (const page of pages) {
        listed.push(...(page.Accounts ?? []));
    }
    return active(listed);
}

/** The accounts of a source: the file read, or the organization listed with `client`. */
export async function resolveAccounts(
    source: AccountSource,
    organizations: () => OrganizationsClient,
): Promise<MemberAccount[]> {
    return source.kind === "file"
        ? readAccountsFile(source.path)
        : listOrganizationAccounts(organizations(), source.parentId);
}
