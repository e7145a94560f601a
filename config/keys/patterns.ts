/** Patterns and schemas shared by several rows of the key table. */
export const AWS_REGION_PATTERN = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";
export const IAM_NAME_PATTERN = "^[A-Za-z0-9+=,.@_-]{1,64}$";
export const ACCOUNT_ID_PATTERN = "^[0-9]{12}$";
/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** The schema and allowed values of a key that is a log retention period. */
export const LOG_RETENTION_RULE = {
    schema: { enum: [...LOG_RETENTION_DAYS] },
    allowed: `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
} as const;
export const CLUSTER_GLOBS_SCHEMA = { type: "array", items: { type: "string", minLength: 1, maxLength: 100 } };
