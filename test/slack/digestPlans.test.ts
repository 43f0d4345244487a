// The weekly digest in Slack: the payment plans in the follow-through part of the summary (agreed this week,
// instalments due this week, instalments missed and escalated), posted by the real weekly job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { digestSummaryBlocks, LIMITS } from "../../src/bot/slack/blocks.js";
import { slackDigestPublisher } from "../../src/bot/slack/publisher.js";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { digestPlanOf, type Digest } from "../../src/domain/digest.js";
import { planStanding } from "../../src/domain/paymentPlan.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { seedPlans } from "../helpers/planFixtures.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe.each(targets)("payment plans in the Slack digest on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let plans: Awaited<ReturnType<typeof seedPlans>>["plans"];

  beforeAll(async () => {
    db = await freshDatabase(target);
    await migrate(db);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    ({ plans } = await seedPlans(db, `slack-${target.name}`));
    slack = await new SlackStandIn().start();
  });
  afterAll(async () => {
    await slack?.stop();
    await db?.close();
  });

  it("the summary's follow-through shows the week's plans: missed and escalated first, then due, agreed, completed; the plan on track counted", async () => {
    const client = new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` });
    const run = await runWeeklyDigest(
      { db, policy: defaultPolicy, publisher: slackDigestPublisher(client, "CCOMMITTEE"), logger: createLogger("silent") },
      ASOF,
      new Date("2026-11-20T07:00:00Z"),
    );
    expect(run.status).toBe("posted");
    const summary = slack.calls.find((c) => c.path.startsWith("/api/chat.postMessage") && !c.body.thread_ts);
    const sections = ((summary?.body.blocks ?? []) as Array<{ type: string; text?: { text: string } }>).map((b) => plain(b.text?.text ?? ""));
    const planSection = sections.find((s) => s.startsWith("*Payment plans"));
    expect(planSection).toBeDefined();
    const lines = (planSection as string).split("\n");
    expect(lines[0]).toBe("*Payment plans (4)*");
    expect(lines[1]).toBe("1 agreed this week · 1 instalment due this week · 1 missed");
    expect(lines[2]).toMatch(
      new RegExp(
        `^• \\*Transports Lefebvre\\* — plan #${plans.p1} agreed 05/10/2026: instalment 2 of €1,000.00 due 12/11/2026 missed, recovery indemnity €40.00; escalation: next step (due|brought forward): \\S+ \\(\\w+\\) for Sophie Leroy · 1 of 3 instalments paid, €2,000.00 left$`,
      ),
    );
    expect(lines[3]).toBe(
      `• *Garage Martin* — plan #${plans.p2} agreed 18/11/2026: agreed this week: 2 instalments totalling €1,000.00, 25/11/2026 to 28/12/2026 · instalment 1 of €500.00 due 25/11/2026 · 0 of 2 instalments paid, €1,000.00 left`,
    );
    expect(lines[4]).toBe(`• *Café du Port* — plan #${plans.p4} agreed 10/09/2026: completed this week: €600.00 paid`);
    expect(lines.slice(5)).toEqual(["1 other plan on track"]);
    // It sits in the follow-through, after last week's decisions and before the week's cash.
    const at = (prefix: string) => sections.findIndex((s) => s.startsWith(prefix));
    expect(at("*Last week's decisions")).toBeLessThan(at("*Payment plans"));
    expect(at("*Payment plans")).toBeLessThan(at("Cash collected this week"));
    // The plan instalments are not counted again as promises to pay.
    expect(sections.find((s) => s.startsWith("Cash collected this week"))).toContain("0 promises to pay falling due this week");
  });
});

describe("payment plans in the Slack digest's summary, many of them", () => {
  it("fits Slack's section limit with whole lines: the plans that do not fit are counted, never cut", () => {
    const missedPlan = (planId: number) =>
      digestPlanOf(
        {
          planId,
          customerId: planId,
          externalId: `P${planId}`,
          customerName: `${"Établissements de la Très Longue Raison Sociale ".repeat(4)}${planId}`,
          status: "ACTIVE",
          agreedOn: d("2026-10-01"),
          currency: "EUR",
          standing: planStanding({
            agreedOn: d("2026-10-01"),
            instalments: [
              { no: 1, dueDate: d("2026-11-10"), amount: 100_000n },
              { no: 2, dueDate: d("2026-12-10"), amount: 100_000n },
            ],
            payments: [],
            asOf: ASOF,
            graceDays: 3,
            regime: "commercial",
          }),
          escalations: new Map([[1, { text: "escalation: next step brought forward: last-reminder (letter) for Sophie Leroy", on: ASOF }]]),
        },
        ASOF,
      );
    const digest = {
      period: "2026-W47",
      asOf: ASOF,
      companyName: "Acme",
      currency: "EUR",
      locale: "en-GB",
      bucketLabels: ["not due"],
      totals: { buckets: [0n], disputed: 0n, credits: 0n, balance: 0n, overdue: 0n },
      change: null,
      kpis: { dsoCountback: null, dsoSimple: null, overdueRate: null, previousOverdueRate: null, recovery1Month: null, recovery3Months: null },
      priorities: [],
      actions: [],
      moreActions: [],
      disputes: [],
      promises: [],
      accountsWithBalance: 0,
      followUp: [],
      cashCollected: 0n,
      paymentPlans: Array.from({ length: 14 }, (_, i) => missedPlan(i + 1)),
    } as Digest;
    const blocks = digestSummaryBlocks(digest).blocks as Array<{ text?: { text: string } }>;
    const section = blocks.map((b) => b.text?.text ?? "").find((t) => t.startsWith("*Payment plans"));
    expect(section).toBeDefined();
    const text = section as string;
    expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text).not.toContain("…");
    const lines = text.split("\n");
    const written = lines.filter((l) => l.startsWith("• ")).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(10);
    expect(lines.slice(0, 2)).toEqual(["*Payment plans (14)*", "0 agreed this week · 0 instalments due this week · 14 missed"]);
    expect(lines.at(-1)).toBe(`${14 - written} more plans to follow: ccbot plan list`);
  });
});
