/**
 * Points every SDK v3 client in this process at a FakeAccount, below the SDK: the clients' HTTP handler is replaced,
 * so requests go through the SDK's real serializers, signer and middleware, and every answer and error comes back
 * through its real deserializers (see wire/server.ts).
 */
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { FakeAccount } from "./awsAccount";
import { serve } from "./wire/server";

/** Credentials the SDK signs with (the fake reads only the signing scope); never real ones. */
const FAKE_CREDENTIALS: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-secret-access-key",
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
};

/** Installs the fake; call the returned function to restore the real HTTP handler and environment. */
export function mockAws(account: FakeAccount): () => void {
    const original = NodeHttpHandler.prototype.handle;
    const saved = Object.fromEntries(Object.keys(FAKE_CREDENTIALS).map((name) => [name, process.env[name]]));
    setEnvironment(FAKE_CREDENTIALS);
    NodeHttpHandler.prototype.handle = async function (request) {
        return {
            response: await serve((operation, input, region) => account.handle(operation, input, region), request),
        };
    };
    return () => {
        NodeHttpHandler.prototype.handle = original;
        setEnvironment(saved);
    };
}

function setEnvironment(values: Record<string, string | undefined>): void {
    for (const [name, value] of Object.entries(values)) {
        if (value === undefined) {
            delete process.env[name];
        } else {
            process.env[name] = value;
        }
    }
}
