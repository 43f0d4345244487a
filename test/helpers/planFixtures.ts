// Four payment plans as the committee of Friday 2026-11-20 finds them (seed 002, "échéancier"):
// - P1 Transports Lefebvre, agreed 2026-10-05: instalment 1 paid on time, instalment 2 (1 000 € due 2026-11-12)
//   missed once the grace (3 days) is over, instalment 3 due 2026-12-15;
// - P2 Garage Martin, agreed this week (2026-11-18): instalment 1 (500 €) due 2026-11-25, within the week;
// - P3 Boulangerie Petit, agreed 2026-10-01: instalment 1 paid, instalment 2 due 2026-12-30: on track;
// - P4 Café du Port, agreed 2026-09-10: both instalments paid, the last on 2026-11-16: completed once followed.
// Plans are agreed through the use case (src/usecases/paymentPlans.ts), payments imported as CSV.
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { agreePaymentPlan } from "../../src/usecases/paymentPlans.js";
import { csv, writeTemp } from "./files.js";

/** 10:00 in Paris on a day. */
export const at = (day: string) => new Date(`${day}T09:00:00Z`);

export async function seedPlans(db: Database, name: string) {
  const sophie = await db.prisma.person.create({ data: { name: "Sophie Leroy", email: `sophie-${name}@acme.example`, roles: ["COLLECTOR"] } });
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      `digest-plans-c-${name}.csv`,
      csv(
        "external_id;name;segment;collector",
        `P1;Transports Lefebvre;sme;sophie-${name}@acme.example`,
        `P2;Garage Martin;sme;sophie-${name}@acme.example`,
        `P3;Boulangerie Petit;sme;sophie-${name}@acme.example`,
        `P4;Café du Port;sme;sophie-${name}@acme.example`,
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      `digest-plans-i-${name}.csv`,
      csv(
        "customer_id;number;issue_date;due_date;amount",
        "P1;F-P1;2026-08-01;2026-09-01;3000,00",
        "P2;F-P2;2026-08-01;2026-09-01;1000,00",
        "P3;F-P3;2026-08-01;2026-09-01;800,00",
        "P4;F-P4;2026-07-01;2026-08-01;600,00",
      ),
    ),
  );
  const id = async (externalId: string) => (await db.prisma.customer.findUniqueOrThrow({ where: { externalId } })).id;
  const actor = { personId: sophie.id, origin: "CLI" as const };
  const plan = async (externalId: string, agreedOn: string, items: Array<[string, bigint]>) =>
    (
      await agreePaymentPlan(
        db,
        actor,
        { customerId: await id(externalId), instalments: items.map(([date, amount], i) => ({ no: i + 1, dueDate: d(date), amount })) },
        at(agreedOn),
      )
    ).planId;
  const plans = {
    p4: await plan("P4", "2026-09-10", [
      ["2026-10-10", 30_000n],
      ["2026-11-16", 30_000n],
    ]),
    p3: await plan("P3", "2026-10-01", [
      ["2026-10-30", 40_000n],
      ["2026-12-30", 40_000n],
    ]),
    p1: await plan("P1", "2026-10-05", [
      ["2026-10-15", 100_000n],
      ["2026-11-12", 100_000n],
      ["2026-12-15", 100_000n],
    ]),
    p2: await plan("P2", "2026-11-18", [
      ["2026-11-25", 50_000n],
      ["2026-12-28", 50_000n],
    ]),
  };
  await runImport(
    db,
    IMPORTERS.payments,
    writeTemp(
      `digest-plans-p-${name}.csv`,
      csv(
        "reference;customer_id;payment_date;amount;invoice_number",
        "V-P4-1;P4;2026-10-09;300,00;F-P4",
        "V-P4-2;P4;2026-11-16;300,00;F-P4",
        "V-P3-1;P3;2026-10-29;400,00;F-P3",
        "V-P1-1;P1;2026-10-14;1000,00;F-P1",
      ),
    ),
  );
  return { sophie, plans };
}
