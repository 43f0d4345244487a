// `ccbot mail contact CUSTOMER EMAIL`: the operator resolves a wrong-contact task from the command line. A bad
// address is refused naming EMAIL, nothing written; a good one replaces the bounced address, lifts a suppression
// of the new address (the operator vouches for it), is recorded in the history and closes the task.
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { seedMailCompany } from "./fixtures.js";

afterAll(async () => {
  await dropTestSchemas();
});

describe.each(heldCliTargets)("ccbot mail contact ($name)", (target) => {
  it("refuses a bad address naming EMAIL, then corrects the bounced contact once and closes the task", async () => {
    const url = await target.url();
    let db = await heldDatabase(url);
    await migrate(db);
    const fx = await seedMailCompany(db, [{ key: "gone", name: "Test CLI Contact SARL", email: "old@cli-contact.test", due: "2026-11-18", amount: 12_300n }]);
    const id = (fx.customers.gone as { id: number }).id;
    await db.prisma.emailSuppression.createMany({
      data: [
        { address: "old@cli-contact.test", customerId: id, reason: "550 5.1.1 user unknown" },
        // The right address had bounced once too (a full mailbox): the operator vouches for it.
        { address: "ap@cli-contact.test", customerId: id, reason: "552 mailbox full" },
        { address: "old2@cli-contact.test", customerId: id, reason: "550 5.1.1 no such user" },
      ],
    });
    await db.prisma.contact.create({ data: { customerId: id, name: "Ancien comptable", email: "old2@cli-contact.test" } });
    // Two addresses of the customer bounced: one task, naming both (a task list has one row per customer and kind).
    const before = (await collectorTasks(db, defaultPolicy, calendarDate("2026-11-24"), fx.collectorId)).tasks.filter((t) => t.kind === "wrong-contact");
    expect(before).toHaveLength(1);
    expect(before[0]?.reason).toContain("the e-mail to old2@cli-contact.test was refused (550 5.1.1 no such user); the e-mail to old@cli-contact.test was refused (550 5.1.1 user unknown)");
    await db.close();

    const bad = await ccbot(url, "mail", "contact", "C1", "ap@");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("EMAIL : « ap@ » n’est pas une adresse e-mail (nom@societe.fr).");
    const unknown = await ccbot(url, "mail", "contact", "C99", "ap@cli-contact.test");
    expect(unknown.stderr).toContain("Aucun client de numéro ou de nom « C99 ».");

    const good = await ccbot(url, "mail", "contact", "C1", "AP@cli-contact.test");
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({
      status: "corrected",
      customerName: "Test CLI Contact SARL",
      email: "ap@cli-contact.test",
      replaced: ["old@cli-contact.test", "old2@cli-contact.test"],
      liftedSuppression: true,
    });
    const again = await ccbot(url, "mail", "contact", "Test CLI Contact SARL", "ap@cli-contact.test");
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "already_corrected" });

    db = await heldDatabase(url);
    try {
      const history = await db.prisma.historyEntry.findMany({ where: { kind: "contact.corrected" } });
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ origin: "CLI", customerId: id, data: { from: ["old@cli-contact.test", "old2@cli-contact.test"], to: "ap@cli-contact.test", liftedSuppression: true } });
      expect(history[0]?.text).toContain("old@cli-contact.test, old2@cli-contact.test (rejet : 550 5.1.1 user unknown; 550 5.1.1 no such user) remplacé par ap@cli-contact.test");
      expect((await db.prisma.emailSuppression.findMany({ select: { address: true }, orderBy: { address: "asc" } })).map((s) => s.address)).toEqual(["old2@cli-contact.test", "old@cli-contact.test"]);
      const tasks = await collectorTasks(db, defaultPolicy, calendarDate("2026-11-24"), fx.collectorId);
      expect(tasks.tasks.filter((t) => t.kind === "wrong-contact")).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("two customers of the same name: refused, naming their ids; neither contact is changed", async () => {
    const url = await target.url();
    let db = await heldDatabase(url);
    await migrate(db);
    const fx = await seedMailCompany(db, [
      { key: "one", name: "Test Homonym SARL", email: "old@homonym-one.test", due: "2026-11-18", amount: 12_300n },
      { key: "two", name: "Test Homonym SARL", email: "old@homonym-two.test", due: "2026-11-18", amount: 45_600n },
    ]);
    const ids = [(fx.customers.one as { id: number }).id, (fx.customers.two as { id: number }).id];
    await db.prisma.emailSuppression.createMany({
      data: [
        { address: "old@homonym-one.test", customerId: ids[0] as number, reason: "550 5.1.1 user unknown" },
        { address: "old@homonym-two.test", customerId: ids[1] as number, reason: "550 5.1.1 user unknown" },
      ],
    });
    const refs = (await db.prisma.customer.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { externalId: true } })).map((c) => c.externalId);
    await db.close();

    const run = await ccbot(url, "mail", "contact", "Test Homonym SARL", "ap@homonym.test");
    expect(run.code).toBe(1);
    for (const ref of refs) expect(run.stderr).toContain(ref);
    db = await heldDatabase(url);
    try {
      expect(await db.prisma.historyEntry.count({ where: { kind: "contact.corrected", customerId: { in: ids } } })).toBe(0);
      expect((await db.prisma.contact.findMany({ where: { customerId: { in: ids } }, orderBy: { customerId: "asc" } })).map((c) => c.email)).toEqual(["old@homonym-one.test", "old@homonym-two.test"]);
    } finally {
      await db.close();
    }
  });
});
