// Delivery: what Teams documents as transient is retried with exponential backoff, jitter and Retry-After as
// a floor; anything else fails at once; sends to one conversation go one after the other, paced.
import { describe, expect, it } from "vitest";
import { Delivery } from "../../src/bot/teams/delivery.js";

const failure = (status: number, retryAfter?: string) =>
  Object.assign(new Error(`HTTP ${status}`), { response: { status, headers: retryAfter ? { "retry-after": retryAfter } : {} } });

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(Math.round(ms)) };
}

describe("Teams delivery", () => {
  it("retries 429, 412, 502 and 504 with growing, jittered waits; Retry-After is a floor", async () => {
    const { sleeps, sleep } = recorder();
    const delivery = new Delivery({ minGapMs: 0, baseDelayMs: 100, sleep, random: () => 1 });
    const answers = [failure(412), failure(502), failure(504), failure(429, "3")];
    let calls = 0;
    const result = await delivery.run("19:a@thread.tacv2", async () => {
      calls += 1;
      const next = answers.shift();
      if (next) throw next;
      return "sent";
    });
    expect(result).toBe("sent");
    expect(calls).toBe(5);
    // 100, 200, 400 ms (random = 1: the full step), then Retry-After: 3 s beats 800 ms
    expect(sleeps).toEqual([100, 200, 400, 3000]);
    const halves = recorder();
    const jittered = new Delivery({ minGapMs: 0, baseDelayMs: 100, sleep: halves.sleep, random: () => 0 });
    let first = true;
    await jittered.run("c", async () => {
      if (first) {
        first = false;
        throw failure(429);
      }
      return 1;
    });
    expect(halves.sleeps).toEqual([50]); // random = 0: half the step
  });

  it("does not retry a refusal (403, 404) nor give up later than its attempts", async () => {
    const { sleep } = recorder();
    const delivery = new Delivery({ minGapMs: 0, baseDelayMs: 1, sleep, attempts: 3 });
    let calls = 0;
    await expect(
      delivery.run("c", async () => {
        calls += 1;
        throw failure(403);
      }),
    ).rejects.toThrow("HTTP 403");
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      delivery.run("c", async () => {
        calls += 1;
        throw failure(502);
      }),
    ).rejects.toThrow("HTTP 502");
    expect(calls).toBe(3);
  });

  it("a job's call (maxWaitMs) is not kept waiting: a Retry-After longer than that is thrown at once, status and Retry-After intact; a short backoff is still waited", async () => {
    const { sleeps, sleep } = recorder();
    const delivery = new Delivery({ minGapMs: 0, baseDelayMs: 100, sleep, random: () => 1 });
    let calls = 0;
    const throttled = delivery.run(
      "c",
      async () => {
        calls += 1;
        throw failure(429, "16");
      },
      { maxWaitMs: 2_000 },
    );
    await expect(throttled).rejects.toMatchObject({ response: { status: 429, headers: { "retry-after": "16" } } });
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
    // A 502 without Retry-After: a 100 ms step is under the limit, retried here.
    const answers = [failure(502)];
    const sent = await delivery.run(
      "c",
      async () => {
        const next = answers.shift();
        if (next) throw next;
        return "sent";
      },
      { maxWaitMs: 2_000 },
    );
    expect(sent).toBe("sent");
    expect(sleeps).toEqual([100]);
  });

  it("sends to one conversation (and its threads) one after the other, at least minGap apart", async () => {
    const delivery = new Delivery({ minGapMs: 40 });
    const starts: number[] = [];
    await Promise.all(
      ["19:a@thread.tacv2", "19:a@thread.tacv2;messageid=1", "19:a@thread.tacv2;messageid=2"].map((id) =>
        delivery.run(id, async () => {
          starts.push(performance.now());
        }),
      ),
    );
    expect(starts).toHaveLength(3);
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(38);
  });
});
