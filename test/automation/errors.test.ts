import * as assert from "node:assert/strict";
import * as automationErrors from "../../automation/errors";

describe("automation errors", () => {
    it("are each named after their class, which String(error) prints before the message", () => {
        const cause = new Error("engine said no");
        const errors: Array<[automationErrors.AutomationError, string]> = [
            [new automationErrors.PulumiCliMissingError("PATH"), "PulumiCliMissingError"],
            [new automationErrors.MissingTokenError("up"), "MissingTokenError"],
            [new automationErrors.InvalidEnvironmentError("qa", ["PROD", "UAT"]), "InvalidEnvironmentError"],
            [new automationErrors.InvalidRequestError(["bad key"], cause), "InvalidRequestError"],
            [new automationErrors.StackLockedError("prod", 3, cause), "StackLockedError"],
            [new automationErrors.PolicyViolationError("prod", [], cause), "PolicyViolationError"],
            [new automationErrors.CancelledError("prod", cause), "CancelledError"],
            [new automationErrors.OperationFailedError("prod", "up", ["boom"], cause), "OperationFailedError"],
        ];
        for (const [error, name] of errors) {
            assert.equal(error.name, name);
            assert.ok(String(error).startsWith(`${name}: `), String(error));
        }
    });
});
