// A collector's day that does not fit one Slack message (once 29,454 characters of blocks, more than twice the
// ~13k one message holds) is split across direct messages, each accepted by the Web API stand-in (which refuses
// msg_too_long over 13,000 characters of blocks and more than 50 blocks), every task in exactly one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { slackTaskPublisher } from "../../src/bot/slack/publisher.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { heavyCustomerName, importHeavyCustomers } from "../helpers/heavyTasks.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");
const COUNT = 80;

describe.each(targets)("a collector's heavy day in Slack on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;

  beforeAll(async () => {
    db = await freshDatabase(target);
    slack = await new SlackStandIn().start();
    await db.prisma.person.create({
      data: {
        name: "Sophie Leroy",
        email: "sophie@acme.example",
        roles: ["COLLECTOR"],
        identities: { create: [{ platform: "SLACK", externalId: "USOPHIE" }] },
      },
    });
    await importHeavyCustomers(db, "sophie@acme.example", COUNT, `slack-${target.name}`);
  });
  afterAll(async () => {
    await slack?.stop();
    await db?.close();
  });

  it("is split across direct messages Slack accepts, every task in exactly one", async () => {
    const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "fr-FR");
    const run = await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"));
    expect(run).toEqual({ status: "sent", sent: 1, unreachable: [] });
    const posts = slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"));
    expect(posts.length).toBeGreaterThan(1);
    const sizes = posts.map((p) => JSON.stringify(p.body.blocks).length);
    // Together they are far more than one message holds; each one is within it (the stand-in accepted each).
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * 13_000);
    for (const [i, post] of posts.entries()) {
      expect(post.body.channel).toBe("USOPHIE");
      expect(JSON.stringify(post.body.blocks).length).toBeLessThanOrEqual(13_000);
      expect((post.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(post.body.blocks)).toContain(`Vos tâches du 20/11/2026 (${COUNT}) — ${i + 1}/${posts.length}`);
    }
    const seen = posts.flatMap((p) =>
      (p.body.blocks as Array<{ block_id?: string }>).map((b) => b.block_id).filter((id): id is string => !!id?.startsWith("task-")),
    );
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    for (let i = 1; i <= COUNT; i++) {
      const holding = posts.filter((p) => JSON.stringify(p.body.blocks).includes(`(H${i})`));
      expect(holding).toHaveLength(1);
      expect(JSON.stringify(holding[0]?.body.blocks)).toContain(JSON.stringify(heavyCustomerName(i)).slice(1, 40));
    }
  });
});
