import { strict as assert } from "node:assert";
import { VirtualClock } from "../bench/virtualClock";
import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { AdaptiveRateLimiter, AdaptiveRateSettings, IAM_WRITE_PACING } from "../lambda/reconciler/rateLimiter";
import { reconcile } from "../lambda/reconciler/reconcile";
import { DeadlineReached, retryKind, withRetry } from "../lambda/reconciler/timing";
import { awsError } from "./fakes/awsAccount";
import { sdkError } from "./fakes/wire/sdkError";
import { fakeWorld, instantClock, recordingLog, settingsFor } from "./reconciler.helpers";

const SETTINGS: AdaptiveRateSettings = {
    initialRate: 10,
    minRate: 0.5,
    maxRate: 50,
    slowStartFactor: 2,
    increasePerSecond: 1,
    decrease: 0.5,
    cooldownMs: 1_000,
    burstSeconds: 1,
};

/** Sends as fast as the limiter lets them, on virtual time; returns the send times. */
function drain(limiter: AdaptiveRateLimiter, sends: number, start = 0): number[] {
    const times: number[] = [];
    let now = start;
    while (times.length < sends) {
        const wait = limiter.tryAcquire(now);
        if (wait === 0) {
            times.push(now);
        } else {
            now += wait;
        }
    }
    return times;
}

/** Sends at the limiter's full rate from `from` to `to` (virtual ms), every send a success. */
function sendAtFullRate(limiter: AdaptiveRateLimiter, from: number, to: number): void {
    let now = from;
    while (now < to) {
        const wait = limiter.tryAcquire(now);
        if (wait === 0) {
            limiter.onSuccess(now);
        } else {
            now += wait;
        }
    }
}

describe("adaptive rate limiter (pure, virtual time)", () => {
    it("allows a burst of one second's worth, then paces at the rate", () => {
        const limiter = new AdaptiveRateLimiter(SETTINGS, 0);
        const times = drain(limiter, 30);
        assert.ok(
            times.slice(0, 10).every((t) => t === 0),
            "the first 10 go at once",
        );
        const gaps = times.slice(10).map((t, i) => t - times[9 + i]);
        assert.ok(
            gaps.every((gap) => gap >= 99 && gap <= 101),
            `paced at 10/s: ${gaps}`,
        );
        assert.ok(limiter.tryAcquire(times[29]) > 0, "no token left");
    });

    it("slow start doubles the rate per second of full-rate successes until the first throttle, then AIMD", () => {
        const limiter = new AdaptiveRateLimiter({ ...SETTINGS, maxRate: 1_000 }, 0);
        const rateAt: number[] = [];
        for (let second = 1; second <= 3; second++) {
            sendAtFullRate(limiter, (second - 1) * 1_000, second * 1_000);
            rateAt.push(limiter.rate);
        }
        for (const [before, after] of [rateAt.slice(0, 2), rateAt.slice(1, 3)]) {
            assert.ok(after / before > 1.9 && after / before < 2.1, `x2 per second: ${rateAt}`);
        }
        assert.equal(limiter.threshold, Infinity, "no threshold before a throttle");

        limiter.onThrottle(3_000);
        const cut = limiter.rate;
        assert.equal(cut, rateAt[2] / 2);
        assert.equal(limiter.threshold, cut, "the threshold is the rate the throttle left");
        sendAtFullRate(limiter, 3_000, 13_000);
        assert.ok(
            limiter.rate - cut > 9 && limiter.rate - cut < 11,
            `+1/s for 10 s after the throttle: ${cut} -> ${limiter.rate}`,
        );
    });

    it("a throttle halves the rate, once per cooldown however many throttles arrive together", () => {
        const limiter = new AdaptiveRateLimiter(SETTINGS, 0);
        for (let i = 0; i < 4; i++) {
            limiter.onThrottle(100 + i);
        }
        assert.equal(limiter.rate, 5);
        assert.equal(limiter.threshold, 5);
        assert.equal(limiter.throttles, 4);
        assert.equal(limiter.decreases, 1);
        assert.ok(limiter.tryAcquire(104) > 0, "a throttle empties the bucket");
        limiter.onThrottle(1_100);
        assert.equal(limiter.rate, 2.5);
        assert.equal(limiter.threshold, limiter.rate);
    });

    it("holds the ceiling in slow start and the floor under throttling", () => {
        const limiter = new AdaptiveRateLimiter(SETTINGS, 0);
        sendAtFullRate(limiter, 0, 3_000);
        assert.equal(limiter.rate, SETTINGS.maxRate, "10/s doubled for 3 s stops at the ceiling of 50");
        for (let t = 3_000; t < 100_000; t += 1_000) {
            limiter.onThrottle(t);
        }
        assert.equal(limiter.rate, SETTINGS.minRate);
        assert.equal(limiter.threshold, SETTINGS.minRate);
    });

    it("settles near a quota it was not told about (no waste, no storm)", () => {
        // A 20/s bucket like the fake account's, 300 s of demand.
        const quota = 20;
        const limiter = new AdaptiveRateLimiter(IAM_WRITE_PACING, 0);
        let tokens = quota;
        let last = 0;
        let accepted = 0;
        let throttled = 0;
        let now = 0;
        while (now < 300_000) {
            const wait = limiter.tryAcquire(now);
            if (wait > 0) {
                now += wait;
                continue;
            }
            tokens = Math.min(quota, tokens + ((now - last) * quota) / 1000);
            last = now;
            if (tokens >= 1) {
                tokens--;
                accepted++;
                limiter.onSuccess(now);
            } else {
                throttled++;
                limiter.onThrottle(now);
            }
        }
        assert.ok(accepted / 300 > 0.9 * quota, `throughput ${accepted / 300}/s`);
        assert.ok(throttled / (accepted + throttled) < 0.02, `throttled ${throttled} of ${accepted + throttled}`);
    });
});

describe("retries bounded by the deadline", () => {
    it("retries throttling past any fixed count, then gives up at the deadline with DeadlineReached", async () => {
        const clock = instantClock();
        const throttled = await sdkError("iam", "Throttling", "Rate exceeded");
        let attempts = 0;
        const error = await withRetry(
            async () => {
                attempts++;
                throw throttled;
            },
            clock,
            { deadline: 60_000, random: () => 0.5 },
        ).catch((e) => e);
        assert.ok(error instanceof DeadlineReached, String(error));
        assert.match(error.message, /time ran out while throttled \(Throttling: Rate exceeded\)/);
        assert.ok(attempts > 10, `${attempts} attempts`);
        assert.ok(clock.now() < 60_000, "never sleeps past the deadline");
    });

    it("fails at once on an error that retrying cannot fix", async () => {
        const clock = instantClock();
        const denied = await sdkError("iam", "AccessDenied", "no", 403);
        let attempts = 0;
        const error = await withRetry(
            async () => {
                attempts++;
                throw denied;
            },
            clock,
            { deadline: 60_000 },
        ).catch((e) => e);
        assert.equal(error, denied);
        assert.equal(attempts, 1);
    });

    // S3's SlowDown (503) and InternalError (500), EKS's ServerException (500): the SDK's classification says retry.
    for (const [service, code, status, kind] of [
        ["s3", "SlowDown", 503, "throttling"],
        ["s3", "InternalError", 500, "transient"],
        ["eks", "ServerException", 500, "transient"],
        ["iam", "ServiceFailure", 500, "transient"],
        ["iam", "Throttling", 400, "throttling"],
        ["iam", "LimitExceeded", 409, undefined],
        ["s3", "AccessDenied", 403, undefined],
    ] as const) {
        it(`${service} ${code} (${status}) is ${kind ?? "not retried"}, as the SDK classifies it`, async () => {
            const message = code === "LimitExceeded" ? "Cannot exceed quota for TagsPerRole: 50" : "try again";
            assert.equal(retryKind(await sdkError(service, code, message, status)), kind);
        });
    }

    it("retries a transient server error a few times (the SDK's 3), then lets it fail", async () => {
        const clock = instantClock();
        const internal = await sdkError("s3", "InternalError", "We encountered an internal error", 500);
        let attempts = 0;
        const error = await withRetry(
            async () => {
                attempts++;
                throw internal;
            },
            clock,
            { deadline: 60_000, random: () => 0.5 },
        ).catch((e) => e);
        assert.equal(error, internal);
        assert.equal(attempts, 3);
        let calls = 0;
        const answer = await withRetry(async () => {
            if (++calls < 3) {
                throw internal;
            }
            return "ok";
        }, clock);
        assert.equal(answer, "ok");
    });

    it("fails an IAM quota error at once, without slowing the other writes down", async () => {
        const world = fakeWorld();
        try {
            world.account.addCluster("us-east-1", "alpha");
            world.account.faults.push((operation) =>
                operation === "PutRolePolicy"
                    ? awsError("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role")
                    : undefined,
            );
            const gateway = world.gateway();
            const result = await reconcile(settingsFor(["us-east-1"]), gateway, recordingLog());
            assert.equal(result.counts.failed, 1);
            assert.match(result.results[0].reason!, /LimitExceededException: Maximum policy size/);
            assert.equal(world.account.calls.filter((c) => c.operation === "PutRolePolicy").length, 1, "not retried");
            assert.equal(gateway.writePacing.rate > IAM_WRITE_PACING.initialRate, true, "the pace was not cut");
        } finally {
            world.restore();
        }
    });

    it("starts nothing once the deadline has passed", async () => {
        const clock = instantClock();
        await clock.sleep(10);
        let called = false;
        const error = await withRetry(async () => (called = true), clock, { deadline: 5 }).catch((e) => e);
        assert.ok(error instanceof DeadlineReached);
        assert.equal(called, false);
    });
});

describe("reconciler under an IAM write quota (virtual time)", () => {
    const regions = ["us-east-1", "eu-west-1"];

    it("slows down to a quota below its starting rate instead of failing: 0 failed, then 0 writes", async () => {
        const clock = new VirtualClock();
        const world = fakeWorld({ clock, writeLatencyMs: 40, readLatencyMs: 20, iamWritesPerSecond: 4 });
        try {
            for (let i = 0; i < 60; i++) {
                world.account.addCluster(regions[i % 2], `c${i}`);
            }
            const first = await clock.run(reconcile(settingsFor(regions), world.gateway(), recordingLog()));
            assert.equal(first.counts.created, 60, JSON.stringify(first.counts));
            assert.equal(first.counts.failed + first.counts.deferred, 0);
            assert.ok(first.throttled > 0, "the quota was met");
            assert.ok(
                first.throttled < 0.25 * world.account.acceptedWrites,
                `paced, not hammered: ${first.throttled} throttles`,
            );
            assert.ok(clock.now() < 1.5 * (120 / 4) * 1000, `near the bound of 30 s: ${clock.now()} ms`);
            const writes = world.account.acceptedWrites;
            const steady = await clock.run(reconcile(settingsFor(regions), world.gateway(), recordingLog()));
            assert.equal(steady.counts.unchanged, 60);
            assert.equal(world.account.acceptedWrites, writes);
        } finally {
            world.restore();
        }
    });

    it("defers what the deadline leaves undone, starts no call after it, and the next run finishes", async () => {
        const clock = new VirtualClock();
        const world = fakeWorld({ clock, writeLatencyMs: 40, readLatencyMs: 20, iamWritesPerSecond: 1 });
        const started: number[] = [];
        world.account.faults.push(() => (started.push(clock.now() - 40), undefined));
        try {
            for (let i = 0; i < 30; i++) {
                world.account.addCluster("us-east-1", `c${i}`);
            }
            const deadline = 20_000;
            const gateway = new Gateway(sdkClients("us-east-1"), clock, { deadline });
            const log = recordingLog();
            const first = await clock.run(reconcile(settingsFor(["us-east-1"]), gateway, log));
            assert.equal(first.counts.failed, 0, JSON.stringify(first.results.filter((r) => r.outcome === "failed")));
            assert.ok(first.counts.created > 0 && first.counts.deferred > 0, JSON.stringify(first.counts));
            assert.equal(first.counts.created + first.counts.deferred, 30);
            assert.ok(Math.max(...started) <= deadline, "no call starts after the deadline");
            assert.ok(log.lines.some((l) => l.level === "warn" && l.message === "role step deferred to the next run"));

            const next = await clock.run(
                reconcile(settingsFor(["us-east-1"]), new Gateway(sdkClients("us-east-1"), clock), recordingLog()),
            );
            assert.equal(next.counts.deferred + next.counts.failed, 0);
            assert.equal(world.account.roles.size, 30);
            assert.ok(
                [...world.account.roles.values()].every((role) => role.inline.size === 1),
                "half-done roles were completed",
            );
        } finally {
            world.restore();
        }
    });
});
