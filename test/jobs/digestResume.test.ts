// A digest interrupted half-way (a crash, an internal_error from Slack on part 2) resumes with the parts it
// planned: each part posted once, every action in exactly one tracked message, even when an action was
// decided between the failure and the resume (the split is never recomputed).
import { afterAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { slackDigestPublisher } from "../../src/bot/slack/publisher.js";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { DEFAULT_POLICY, parsePolicy } from "../../src/domain/policy.js";
import { DIGEST_LEASE_MS, runWeeklyDigest, WEEKLY_DIGEST, type DigestPublisher } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { seedBlockProposals } from "../helpers/committeeFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
const defaultPolicy = parsePolicy({ ...DEFAULT_POLICY, committee: { ...DEFAULT_POLICY.committee, maxProposals: 100 } });
const logger = createLogger("silent");

/** The real publisher, with a failure injected the first time part `failing` is posted. */
function failingOnce(publisher: DigestPublisher, failing: number): DigestPublisher & { failed: boolean } {
  const wrapped = {
    ...publisher,
    failed: false,
    async postActions(...args: Parameters<DigestPublisher["postActions"]>) {
      if (args[2] === failing && !wrapped.failed) {
        wrapped.failed = true;
        throw Object.assign(new Error("An API error occurred: internal_error"), { code: "slack_webapi_platform_error" });
      }
      return publisher.postActions(...args);
    },
  };
  return wrapped;
}

describe.each(targets)("a digest resumed after a failure on $name", (target) => {
  it("posts each planned part once, with the actions it was given, and no action is left out", async () => {
    const db = await freshDatabase(target);
    const slack = await new SlackStandIn().start();
    try {
      await migrate(db);
      const owner = await db.prisma.person.create({ data: { name: "Claire Dumont", roles: ["SALES"] } });
      // 100 proposals, all on the agenda (maxProposals 100): several parts to plan.
      await seedBlockProposals(db, 100, owner.id);
      const client = new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` });
      const publisher = failingOnce(slackDigestPublisher(client, "CCOMMITTEE"), 2);

      await expect(
        runWeeklyDigest({ db, policy: defaultPolicy, publisher, logger }, ASOF, new Date("2026-11-20T07:00:00Z")),
      ).rejects.toThrow("internal_error");
      const plan = await db.prisma.postedMessage.findMany({ where: { part: { startsWith: "actions-" } }, orderBy: { id: "asc" } });
      expect(plan.length).toBeGreaterThanOrEqual(3);
      expect(plan.filter((p) => p.ts !== "").map((p) => p.part)).toEqual(["actions-1"]);

      // Meanwhile the committee decides two actions of part 1: a recomputed split would shift every later part.
      const decided = plan[0]?.actionIds.slice(0, 2) ?? [];
      await db.prisma.proposedAction.updateMany({ where: { id: { in: decided } }, data: { status: "APPLIED", decidedAt: new Date() } });
      // The claim is still ours until its lease runs out (here: as if the process had crashed a minute ago).
      expect((await runWeeklyDigest({ db, policy: defaultPolicy, publisher, logger }, ASOF)).status).toBe("skipped");
      await db.prisma.jobRun.updateMany({
        where: { job: WEEKLY_DIGEST },
        data: { claimedAt: new Date(Date.now() - DIGEST_LEASE_MS - 1000) },
      });
      expect((await runWeeklyDigest({ db, policy: defaultPolicy, publisher, logger }, ASOF)).status).toBe("posted");

      const threaded = slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage") && c.body.thread_ts);
      const posts = threaded.filter((c) => Array.isArray(c.body.blocks));
      // Last in the thread: the history anchor, posted once and recorded as published there.
      const notes = threaded.filter((c) => !Array.isArray(c.body.blocks)).map((c) => String(c.body.text));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/^History anchor #1 of .*SHA-256 [0-9a-f]{64}$/);
      const published = await db.prisma.$queryRawUnsafe<Array<{ place: string }>>(`SELECT place FROM history_anchor_publication`);
      expect(published.map((p) => p.place)).toEqual(["slack:CCOMMITTEE"]);
      const partLabels = posts.map((p) => /\((\d+)\/(\d+)\)/.exec(String(p.body.text ?? JSON.stringify(p.body.blocks)))?.[0]);
      expect(new Set(partLabels).size).toBe(partLabels.length);
      expect(partLabels).toHaveLength(plan.length);
      const after = await db.prisma.postedMessage.findMany({ where: { part: { startsWith: "actions-" } }, orderBy: { id: "asc" } });
      expect(after.map((p) => p.actionIds)).toEqual(plan.map((p) => p.actionIds));
      expect(after.every((p) => p.ts !== "")).toBe(true);
      // Every action of the week is in exactly one tracked message, and each posted message shows its own.
      const tracked = after.flatMap((p) => p.actionIds).sort((a, b) => a - b);
      const all = (await db.prisma.proposedAction.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((a) => a.id);
      expect(tracked).toEqual(all);
      const shown = posts.flatMap((p) =>
        (p.body.blocks as Array<{ block_id?: string }>)
          .filter((b) => b.block_id?.startsWith("action-"))
          .map((b) => Number(b.block_id?.slice(7))),
      );
      // (part 1 showed the two decided actions before they were decided; no action is shown twice or never)
      expect(shown.sort((a, b) => a - b)).toEqual(all);
    } finally {
      await slack.stop();
      await db.close();
    }
  });
});
