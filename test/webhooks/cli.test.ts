// `ccbot webhooks add|list|remove|test` and `ccbot report blocked`, through the CLI's entry point, on the
// embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { recordVote } from "../../src/usecases/votes.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { startReceiver, type Receiver } from "../helpers/webhookReceiver.js";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await dropTestSchemas();
});

const NOW = new Date("2026-11-30T09:00:00Z");

describe.each(heldCliTargets)("ccbot webhooks and report blocked on $name", (target) => {
  it("adds an endpoint with its secret shown once, tests it against the receiver, lists and removes it", async () => {
    const url = await target.url();
    const path = `cli-${target.name}`;

    const plainHttp = await ccbot(url, "webhooks", "add", "http://erp.example.org/hooks");
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.stderr).toContain("L’URL du webhook doit commencer par https://");
    const unknownType = await ccbot(url, "webhooks", "add", receiver.url(path), "--events", "deliveries.blocked,deliveries.stopped");
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toContain('--events : type d’événement inconnu "deliveries.stopped". Types connus : deliveries.blocked,');
    const notAUrl = await ccbot(url, "webhooks", "add", "erp/hooks");
    expect(notAUrl).toMatchObject({ code: 1 });
    expect(notAUrl.stderr).toContain("L’URL du webhook « erp/hooks » n’est pas une URL");

    const added = await ccbot(url, "webhooks", "add", receiver.url(path), "--events", "deliveries.blocked, deliveries.unblocked");
    expect(added.code).toBe(0);
    const endpoint = JSON.parse(added.stdout) as { id: number; secret: string; events: string[] };
    expect(endpoint.secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(endpoint.events).toEqual(["deliveries.blocked", "deliveries.unblocked"]);
    receiver.setSecret(path, endpoint.secret);

    const listed = await ccbot(url, "webhooks", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(endpoint.secret);
    expect(JSON.parse(listed.stdout)).toEqual({
      endpoints: [expect.objectContaining({ id: endpoint.id, url: receiver.url(path), active: true, events: endpoint.events })],
    });

    const tested = await ccbot(url, "webhooks", "test", String(endpoint.id));
    expect(tested.code).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ endpointId: endpoint.id, delivered: true, status: 200 });
    const [request] = receiver.received.filter((r) => r.path === `/${path}`);
    expect(request?.signatureValid).toBe(true);
    expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ type: "webhook.test", version: 1 });

    receiver.script(path, { status: 401 });
    const refused = await ccbot(url, "webhooks", "test", String(endpoint.id));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ delivered: false, error: expect.stringContaining("status 401") });

    expect((await ccbot(url, "webhooks", "remove", String(endpoint.id))).code).toBe(0);
    const again = await ccbot(url, "webhooks", "remove", String(endpoint.id));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Le webhook n° ${endpoint.id} a déjà été supprimé le`);
    const removedTest = await ccbot(url, "webhooks", "test", String(endpoint.id));
    expect(removedTest.code).toBe(1);
    expect(removedTest.stderr).toContain("a été supprimé : ajoutez-le de nouveau");
    expect(JSON.parse((await ccbot(url, "webhooks", "list")).stdout)).toEqual({
      endpoints: [expect.objectContaining({ id: endpoint.id, active: false })],
    });
    const missing = await ccbot(url, "webhooks", "remove", "999");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Il n’y a pas de webhook n° 999");
    expect((await ccbot(url, "webhooks", "remove", "x")).code).toBe(2);
  });

  it("report blocked lists each blocked account: since, approved by whom, reason and what lifts the block", async () => {
    const url = await target.url();
    const db = await heldDatabase(url);
    try {
      await migrate(db);
      const finance = await db.prisma.person.create({ data: { name: "Claire Dumont", roles: ["FINANCE"] } });
      const owner = await db.prisma.person.create({ data: { name: "Marc Petit", roles: ["SALES"] } });
      const customer = await db.prisma.customer.create({
        data: { externalId: "C100", name: "Café du Port", currency: "EUR", salesOwnerId: owner.id },
      });
      const action = await db.prisma.proposedAction.create({
        data: { customerId: customer.id, kind: "BLOCK_DELIVERIES", reason: "1 200,00 € overdue, oldest 75 days late", period: "2026-W49" },
      });
      await recordVote(db, defaultPolicy, { personId: owner.id, origin: "SLACK" }, { actionId: action.id, decision: "APPROVE" }, NOW);
      await recordVote(db, defaultPolicy, { personId: finance.id, origin: "TEAMS" }, { actionId: action.id, decision: "APPROVE" }, NOW);
      // Blocked before the bot kept its decisions (an ERP flag imported as is): no decision on record.
      await db.prisma.customer.create({
        data: { externalId: "C200", name: "Hôpital de Lyon", currency: "EUR", blocked: true, blockedReason: "ERP flag" },
      });
      await db.prisma.customer.create({ data: { externalId: "C300", name: "Not blocked", currency: "EUR" } });
    } finally {
      await db.close();
    }
    const conditions =
      "overdue paid (nothing over 15 days late, exposure within the credit limit) or committee decision; unblocking is approved by finance (1 approver)";
    const json = await ccbot(url, "report", "blocked", "--format", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        externalId: "C100",
        name: "Café du Port",
        since: NOW.toISOString(),
        blockedBy: "Marc Petit, Claire Dumont",
        actionId: expect.any(Number),
        reason: "1 200,00 € overdue, oldest 75 days late",
        unblockConditions: conditions,
      },
      {
        externalId: "C200",
        name: "Hôpital de Lyon",
        since: null,
        blockedBy: "not recorded (no committee decision in the history)",
        actionId: null,
        reason: "ERP flag",
        unblockConditions: conditions,
      },
    ]);
    const csvOut = await ccbot(url, "report", "blocked", "--format", "csv");
    expect(csvOut.code).toBe(0);
    const lines = csvOut.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("customer;name;blocked since (UTC);blocked by;decision #;reason;unblock conditions");
    // The conditions hold ";": quoted, so that the spreadsheet or the ERP's import reads one cell.
    expect(lines[1]).toMatch(
      /^C100;Café du Port;2026-11-30T09:00:00\.000Z;Marc Petit, Claire Dumont;\d+;1 200,00 € overdue, oldest 75 days late;"overdue paid \(/,
    );
    expect(lines[2]).toBe(`C200;Hôpital de Lyon;;not recorded (no committee decision in the history);;ERP flag;"${conditions}"`);
    expect(lines).toHaveLength(3);
  });
});
