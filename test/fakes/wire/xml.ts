/** Writing the XML that IAM, STS (awsQuery) and S3 (restXml) answer with. */

export function escapeXml(text: string): string {
    return text.replace(/[<>&"']/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`);
}

/**
 * How a list member is written: awsQuery wraps every list in its element with `<member>` children; restXml names the
 * member per shape, and some lists are flattened (the member elements stand in place of the list's element).
 */
export type ListStyle = { member: string; flattened?: boolean };

/** One element per field of `value`, in order; undefined fields are left out, as the services leave them out. */
export function xmlFields(value: Record<string, unknown>, listStyle: (field: string) => ListStyle): string {
    return Object.entries(value)
        .map(([field, item]) => xmlElement(field, item, listStyle))
        .join("");
}

function xmlElement(name: string, value: unknown, listStyle: (field: string) => ListStyle): string {
    if (value === undefined || value === null) {
        return "";
    }
    if (Array.isArray(value)) {
        const { member, flattened } = listStyle(name);
        const items = value.map((item) => xmlElement(member, item, listStyle)).join("");
        return flattened ? items : `<${name}>${items}</${name}>`;
    }
    if (value instanceof Date) {
        return `<${name}>${value.toISOString()}</${name}>`;
    }
    if (typeof value === "object") {
        return `<${name}>${xmlFields(value as Record<string, unknown>, listStyle)}</${name}>`;
    }
    return `<${name}>${escapeXml(String(value))}</${name}>`;
}
