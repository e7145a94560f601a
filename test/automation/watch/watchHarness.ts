/** What the watch service's tests share: the request it runs with (stack prod-111122223333), units of time, a run. */
import { VirtualClock } from "../../../bench/virtualClock";
import { RunRequest } from "../../../automation/request";
import { WatchService } from "../../../automation/watch/service";

export const S = 1000;
export const MIN = 60 * S;

export const WATCH_REQUEST: Omit<RunRequest, "action"> = {
    environment: "PROD",
    accountId: "111122223333",
    awsRegion: "us-east-1",
    config: { roleName: "NopsIntegrationRole" },
    secrets: { token: "tok-SECRET", externalId: "ext-SECRET", datadogApiKey: "dd-SECRET" },
};

/** Runs the service on virtual time until `stopAt` (after `body` has scheduled its events), then stops it. */
export function runServiceUntil(clock: VirtualClock, service: WatchService, stopAt: number, body: () => void) {
    return clock.run(
        (async () => {
            const loop = service.start();
            body();
            await clock.sleep(stopAt);
            const outcome = await service.stop();
            return { outcome, loop };
        })(),
    );
}
