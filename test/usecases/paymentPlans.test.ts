// Seed 002: "prendre le temps avant d'accepter un échéancier" — a payment plan agreed on a call, followed
// instalment by instalment: payments settle the instalments in date order, an instalment not paid by its
// date plus the policy's grace is missed and escalated once, and each late instalment bears the 40 EUR
// recovery indemnity of the customer's regime.
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { accountView, collectorTasks, reviewPortfolio } from "../../src/services/committeeViews.js";
import { plansForDigest } from "../../src/services/paymentPlans.js";
import { FormError, recordPromise } from "../../src/usecases/contacts.js";
import { agreePaymentPlan, followPaymentPlans, paymentPlans } from "../../src/usecases/paymentPlans.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const policy = defaultPolicy;
/** 10:00 in Paris on a day. */
const at = (day: string) => new Date(`${day}T09:00:00Z`);
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

async function setUp(db: Database, name: string) {
  const sophie = await db.prisma.person.create({ data: { name: "Sophie Leroy", email: "sophie@acme.example", roles: ["COLLECTOR"] } });
  await db.prisma.person.create({ data: { name: "Claire Dumont", email: "claire@acme.example", roles: ["SALES"] } });
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      `plans-c-${name}.csv`,
      csv(
        "external_id;name;segment;credit_limit;sales_owner;collector",
        "K1;Transports Lefebvre;sme;;claire@acme.example;sophie@acme.example",
        "U1;Lycée Jean Moulin;public_sector;;;sophie@acme.example",
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      `plans-i-${name}.csv`,
      csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-08-01;2026-09-01;3000,00", "U1;L-1;2026-08-01;2026-09-01;1200,00"),
    ),
  );
  const k1 = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K1" } });
  const u1 = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "U1" } });
  return { sophie, k1, u1 };
}

async function pay(db: Database, customerId: number, on: string, amount: bigint, ref: string) {
  const { externalId } = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
  const euros = `${amount / 100n},${String(amount % 100n).padStart(2, "0")}`;
  const file = writeTemp(`plans-pay-${ref}-${customerId}.csv`, csv("reference;customer_id;payment_date;amount;invoice_number", `${ref};${externalId};${on};${euros};F-1`));
  await runImport(db, IMPORTERS.payments, file);
}

const instalments = (...items: Array<[string, bigint]>) => items.map(([date, amount], i) => ({ no: i + 1, dueDate: d(date), amount }));

describe.each(targets)("payment plans on $name", (target) => {
  it("a plan agreed on a call is followed: paid, missed once and escalated, paid late with its indemnity, completed", async () => {
    const db = await freshDatabase(target);
    try {
      const { sophie, k1 } = await setUp(db, target.name);
      const actor = { personId: sophie.id, origin: "SLACK" as const };
      const plan = await agreePaymentPlan(
        db,
        actor,
        {
          customerId: k1.id,
          instalments: instalments(["2026-12-01", 100_000n], ["2027-01-04", 100_000n], ["2027-02-01", 100_000n]),
          fromLevelId: "first-call",
          idempotencyKey: "view-123",
        },
        at("2026-11-20"),
      );
      expect(plan).toMatchObject({ status: "agreed", total: 300_000n, instalments: 3 });
      expect(plain(plan.text)).toContain("Échéancier convenu : 3 échéances pour un total de 3 000,00 €, du 01/12/2026 au 01/02/2027");
      // The same form delivered again agrees nothing more.
      const again = await agreePaymentPlan(db, actor, { customerId: k1.id, instalments: instalments(["2026-12-01", 1n], ["2027-01-04", 1n]), idempotencyKey: "view-123" }, at("2026-11-20"));
      expect(again).toMatchObject({ status: "already-agreed", planId: plan.planId });
      expect(await db.prisma.paymentPlan.count()).toBe(1);

      // While the plan runs, dunning is paused.
      const running = (await reviewPortfolio(db, policy, d("2026-11-25"), { customerIds: [k1.id] })).accounts[0];
      expect(running?.review.step).toBeNull();
      expect(running?.review.suspended).toContain("relances suspendues jusqu’au 04/12/2026");

      // Instalment 1 paid on time.
      await pay(db, k1.id, "2026-11-30", 100_000n, "V1");
      expect(await followPaymentPlans(db, policy, d("2026-12-02"), at("2026-12-02"))).toMatchObject({ paid: 1, missed: 0 });
      // Instalment 2: 400,00 by 4 January + 3 days of grace: missed on the 8th, escalated once.
      await pay(db, k1.id, "2027-01-05", 40_000n, "V2");
      expect(await followPaymentPlans(db, policy, d("2027-01-07"), at("2027-01-07"))).toMatchObject({ paid: 0, missed: 0 });
      const missedDay = d("2027-01-08");
      expect(await followPaymentPlans(db, policy, missedDay, at(missedDay))).toMatchObject({ missed: 1, escalations: 1 });
      expect(await followPaymentPlans(db, policy, missedDay, new Date("2027-01-08T15:00:00Z"))).toMatchObject({ missed: 0, escalations: 0 });
      const missed = await db.prisma.historyEntry.findMany({ where: { kind: "payment_plan.instalment_missed" } });
      expect(missed).toHaveLength(1);
      expect(plain(missed[0]?.text ?? "")).toMatch(
        /échéance 2 de 1 000,00 € due le 04\/01\/2027 manquée, 400,00 € reçus au 04\/01\/2027 \+ 3 jours ; indemnité forfaitaire de recouvrement 40,00 € \(D441-5 Code de commerce\) ; escalade : étape suivante avancée : \S+ \(\w+\) pour Sophie Leroy/,
      );
      // The day it is missed, the collector's list escalates it; the plan no longer pauses dunning.
      const tasks = await collectorTasks(db, policy, missedDay, sophie.id);
      expect(tasks.tasks.filter((t) => t.customerName === "Transports Lefebvre").map((t) => t.title)).toEqual(
        // the step brought forward, by its level's name ("First reminder — send the e-mail")
        expect.arrayContaining([expect.stringContaining("Promise broken"), expect.stringMatching(/^\S.* — \S/)]),
      );
      const afterwards = (await reviewPortfolio(db, policy, d("2027-01-11"), { customerIds: [k1.id] })).accounts[0];
      expect(afterwards?.review.suspended).toBeNull();

      // The rest paid: instalment 2 late on the 20th, instalment 3 on its day: the plan is completed.
      await pay(db, k1.id, "2027-01-20", 60_000n, "V3");
      await pay(db, k1.id, "2027-02-01", 100_000n, "V4");
      expect(await followPaymentPlans(db, policy, d("2027-02-02"), at("2027-02-02"))).toMatchObject({ paid: 1, completed: 1 });
      const [view] = await paymentPlans(db, policy, d("2027-02-02"), { customerId: k1.id });
      expect(view?.status).toBe("COMPLETED");
      expect(view?.standing.instalments.map((i) => [i.state, i.paidOn, i.daysLate, i.indemnity])).toEqual([
        ["paid", "2026-11-30", 0, 0n],
        ["paid late", "2027-01-20", 16, 4000n],
        ["paid", "2027-02-01", 0, 0n],
      ]);
      // The company speaks French (the default): the summary and the customer file's line are in French.
      expect(plain(view?.summary ?? "")).toBe("3 échéances pour 3 000,00 €, 3 payées, 1 payée en retard, indemnités 40,00 €");
      // The customer file (`/credit`) shows the plan.
      const { file } = await accountView(db, policy, d("2027-02-02"), k1.id);
      expect((file.paymentPlans ?? []).map(plain)).toEqual([
        `échéancier n° ${plan.planId} accordé le 20/11/2026 (terminé) : 3 échéances pour 3 000,00 €, 3 payées, 1 payée en retard, indemnités 40,00 €`,
      ]);
      // Recently completed plans are still shown to the committee that week.
      expect((await plansForDigest(db, d("2027-02-02"), policy)).map((p) => p.planId)).toEqual([plan.planId]);
      const kinds = (await db.prisma.historyEntry.findMany({ where: { customerId: k1.id }, orderBy: { id: "asc" } })).map((h) => h.kind);
      expect(kinds.filter((k) => k.startsWith("payment_plan."))).toEqual([
        "payment_plan.agreed",
        "payment_plan.instalment_paid",
        "payment_plan.instalment_missed",
        "payment_plan.instalment_paid",
        "payment_plan.completed",
      ]);
    } finally {
      await db.close();
    }
  });

  it("a plan that replaces a broken promise cancels it; a public body's missed instalment is escalated under its own regime", async () => {
    const db = await freshDatabase(target);
    try {
      const { sophie, u1 } = await setUp(db, `${target.name}-u`);
      const actor = { personId: sophie.id, origin: "CLI" as const };
      const promiseId = await recordPromise(db, actor, { customerId: u1.id, amount: 120_000n, promisedDate: d("2026-11-25") }, at("2026-11-18"));
      await agreePaymentPlan(
        db,
        actor,
        { customerId: u1.id, instalments: instalments(["2026-12-15", 60_000n], ["2027-01-15", 60_000n]), fromPromiseId: promiseId },
        at("2026-11-20"),
      );
      expect((await db.prisma.promiseToPay.findUniqueOrThrow({ where: { id: promiseId } })).status).toBe("CANCELLED");
      // The same promise cannot become a second plan, and the customer has an active plan anyway.
      await expect(
        agreePaymentPlan(db, actor, { customerId: u1.id, instalments: instalments(["2026-12-20", 1n], ["2027-01-20", 1n]) }, at("2026-11-21")),
      ).rejects.toThrow(/already has an active payment plan/);
      await followPaymentPlans(db, policy, d("2026-12-21"), at("2026-12-21"));
      const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "payment_plan.instalment_missed" } });
      expect(entry.text).toContain("L2192-13 et D2192-35 Code de la commande publique");
      // Never a delivery block for a public body, whatever the escalation.
      expect(await db.prisma.proposedAction.count({ where: { customerId: u1.id, kind: "BLOCK_DELIVERIES" } })).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("refuses a plan with a field error naming the instalment: out of order, before today, above what is owed, a single one", async () => {
    const db = await freshDatabase(target);
    try {
      const { sophie, k1 } = await setUp(db, `${target.name}-e`);
      const actor = { personId: sophie.id, origin: "CLI" as const };
      const refusal = async (items: ReturnType<typeof instalments>) => {
        const error = await agreePaymentPlan(db, actor, { customerId: k1.id, instalments: items }, at("2026-11-20")).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FormError);
        // The company's language (French by default), as the form and ccbot say it.
        return plain((error as FormError).fieldsIn("fr-FR").instalments ?? "");
      };
      expect(await refusal(instalments(["2027-01-15", 1000n], ["2026-12-15", 1000n]))).toContain(
        "L’échéancier n’est pas valide : échéance 2 : le 15/12/2026 n’est pas après l’échéance 1 (15/01/2027)",
      );
      expect(await refusal(instalments(["2026-11-19", 1000n], ["2026-12-15", 1000n]))).toContain(
        "échéance 1 : le 19/11/2026 est avant le jour où l’échéancier est accordé (20/11/2026)",
      );
      expect(await refusal(instalments(["2026-12-15", 1000n]))).toContain("un échéancier compte au moins deux échéances");
      expect(await refusal(instalments(["2026-12-15", 200_000n], ["2027-01-15", 200_000n]))).toContain(
        "Les échéances totalisent 4 000,00 €, plus que ce que Transports Lefebvre doit hors litige (3 000,00 €)",
      );
      expect(await db.prisma.paymentPlan.count()).toBe(0);
      expect(await db.prisma.historyEntry.count({ where: { kind: { startsWith: "payment_plan." } } })).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("tells the ERP: a payment_plan.agreed event in the plan's transaction", async () => {
    const db = await freshDatabase(target);
    try {
      const { sophie, k1 } = await setUp(db, `${target.name}-w`);
      await db.prisma.webhookEndpoint.create({ data: { url: "https://erp.example/hooks", secret: "s".repeat(32), events: ["payment_plan.agreed"] } });
      const { planId } = await agreePaymentPlan(
        db,
        { personId: sophie.id, origin: "CLI" },
        { customerId: k1.id, instalments: instalments(["2026-12-15", 150_000n], ["2027-01-15", 150_000n]) },
        at("2026-11-20"),
      );
      const job = await db.prisma.job.findFirstOrThrow({ where: { kind: "webhook.deliver" } });
      expect(job.payload).toMatchObject({
        event: {
          type: "payment_plan.agreed",
          id: `payment-plan-${planId}`,
          data: {
            customer: { externalId: "K1" },
            paymentPlan: {
              id: planId,
              installments: [
                { number: 1, amount: { amount: "1500.00", currency: "EUR" }, dueDate: "2026-12-15" },
                { number: 2, amount: { amount: "1500.00", currency: "EUR" }, dueDate: "2027-01-15" },
              ],
            },
          },
        },
      });
    } finally {
      await db.close();
    }
  });
});


