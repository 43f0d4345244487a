// steps.csv: the dunning steps a company did before going live (reminders sent, calls made), brought into
// the history so the calendar follows them instead of starting over. See docs/import-formats.md.
// Each step becomes a sealed `reminder.step` entry of origin IMPORT at its own date; the same step imported
// twice is written once (its key, in the entry's data).
import { z } from "zod";
import { appendHistorySql } from "../db/history.js";
import { calendarDateAt, type CalendarDate } from "../domain/calendarDate.js";
import { CHANNELS, type Channel } from "../domain/policy.js";
import { mapColumns, rowReader, type ColumnSpec } from "./columns.js";
import { RowProblems } from "./fields.js";
import { counts, rejectDuplicateKeys, type Counts, type Importer } from "./run.js";
import { StagingTable } from "./staging.js";

const COLUMNS = [
  { name: "customer_id", aliases: ["external_id", "customer", "code_client", "compte_auxiliaire"] },
  { name: "invoice_number", aliases: ["invoice", "numero_facture", "facture"] },
  { name: "level", required: true, aliases: ["level_id", "step", "niveau", "etape"] },
  { name: "channel", required: true, aliases: ["canal", "mode"] },
  { name: "date", required: true, aliases: ["step_date", "date_relance", "done_on"] },
  { name: "who", required: true, aliases: ["by", "done_by", "par", "auteur"] },
] as const satisfies ReadonlyArray<ColumnSpec>;

/** Channel words a company's export may use, normalised to lower case without accents. */
const CHANNEL_WORDS: Record<string, Channel> = {
  email: "EMAIL",
  "e-mail": "EMAIL",
  mail: "EMAIL",
  courriel: "EMAIL",
  phone: "PHONE",
  call: "PHONE",
  telephone: "PHONE",
  appel: "PHONE",
  letter: "LETTER",
  lettre: "LETTER",
  courrier: "LETTER",
  visit: "VISIT",
  visite: "VISIT",
};

const plain = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

export const stepsImporter: Importer = {
  kind: "steps",
  columns: COLUMNS,
  quoted: true,
  async run(context, source): Promise<Record<string, Counts>> {
    const { sql, settings, rejections, policy } = context;
    const index = mapColumns(context.fileName, source.header, COLUMNS);
    const read = rowReader(COLUMNS, index);
    const shape = z.object({
      customer_id: z.string(),
      invoice_number: z.string(),
      level: z.string().min(1, "level is empty"),
      channel: z.string().min(1, "channel is empty"),
      date: z.string(),
      who: z.string().min(1, "who is empty: say who did the step (a name or an e-mail)"),
    });
    const today = calendarDateAt(new Date(), settings.timeZone);
    const problems = new RowProblems();
    const staging = new StagingTable(sql, "stage_step", {
      line: "int",
      customer_ref: "text",
      invoice_number: "text",
      level: "text",
      channel: "text",
      step_date: "date",
      who: "text",
    });
    await staging.create();
    for await (const batch of source.batches) {
      for (const row of batch) {
        context.lineRead();
        if (!context.wellFormed(row)) continue;
        const raw = read(row.fields);
        problems.start(shape, raw);
        const date = problems.date("date", raw.date);
        if (!problems.failed && date > today)
          problems.add("date", `${date} is in the future (today is ${today}): only steps already done can be imported`);
        const channel = CHANNEL_WORDS[plain(raw.channel)] ?? (CHANNELS as readonly string[]).find((c) => c === raw.channel.toUpperCase());
        if (raw.channel !== "" && channel === undefined)
          problems.add("channel", `"${raw.channel}" is not a channel (use ${CHANNELS.map((c) => c.toLowerCase()).join(", ")})`);
        if (raw.customer_id === "" && raw.invoice_number === "")
          problems.add("customer_id", "give the customer id or the invoice number the step was about");
        if (problems.failed) {
          rejections.add(row.line, problems.reason);
          continue;
        }
        staging.push({
          line: row.line,
          customer_ref: raw.customer_id === "" ? null : raw.customer_id,
          invoice_number: raw.invoice_number === "" ? null : raw.invoice_number,
          level: raw.level,
          channel,
          step_date: date,
          who: raw.who,
        });
      }
      await staging.sendIfFull();
    }
    await staging.flush();
    context.phase("read");

    // Every step's customer and invoice, its segment, and the level names that segment's calendar knows.
    const levels = Object.entries(policy.segments).flatMap(([segment, spec]) => spec.levels.map((l) => [segment, l.id]));
    await sql.exec(`CREATE TEMP TABLE stage_level (segment text, level text) ON COMMIT DROP`);
    if (levels.length > 0) {
      await sql.query(`INSERT INTO stage_level SELECT * FROM unnest($1::text[], $2::text[])`, [
        levels.map((l) => l[0]),
        levels.map((l) => l[1]),
      ]);
    }
    const resolved = await sql.query<{
      line: number;
      customer_ref: string | null;
      invoice_number: string | null;
      level: string;
      channel: Channel;
      step_date: string;
      who: string;
      customer_id: number | null;
      external_id: string | null;
      segment: string | null;
      invoice_id: number | null;
      invoice_customer: string | null;
      level_known: boolean;
      actor_id: number | null;
    }>(
      `SELECT s.line, s.customer_ref, s.invoice_number, s.level, s.channel, s.step_date::text AS step_date, s.who,
              c.id AS customer_id, c."externalId" AS external_id, c.segment::text AS segment,
              i.id AS invoice_id, ic."externalId" AS invoice_customer,
              EXISTS (SELECT 1 FROM stage_level l WHERE l.segment = c.segment::text AND l.level = s.level) AS level_known,
              (SELECT p.id FROM person p WHERE lower(p.email) = lower(s.who) LIMIT 1) AS actor_id
         FROM stage_step s
         LEFT JOIN invoice i ON s.invoice_number IS NOT NULL AND i.kind = 'INVOICE' AND i.number = s.invoice_number
         LEFT JOIN customer ic ON ic.id = i."customerId"
         LEFT JOIN customer c ON c.id = CASE WHEN s.invoice_number IS NOT NULL THEN i."customerId"
                                             ELSE (SELECT x.id FROM customer x WHERE x."externalId" = s.customer_ref) END
        ORDER BY s.line`,
    );
    const keyOf = (r: (typeof resolved)[number]) => `${r.external_id}|${r.invoice_number ?? ""}|${r.level}|${r.step_date}`;
    for (const r of resolved) {
      if (r.invoice_number !== null && r.invoice_id === null) {
        rejections.add(r.line, `invoice_number: ${r.invoice_number} is not a known invoice (import invoices first)`);
      } else if (r.invoice_number !== null && r.customer_ref !== null && r.invoice_customer !== r.customer_ref) {
        rejections.add(r.line, `invoice_number: ${r.invoice_number} belongs to customer ${r.invoice_customer}, not to ${r.customer_ref}`);
      } else if (r.customer_id === null) {
        rejections.add(r.line, `customer_id: ${r.customer_ref} is not a known customer (import customers first)`);
      } else if (!r.level_known) {
        const known = policy.segments[r.segment as keyof typeof policy.segments]?.levels.map((l) => l.id) ?? [];
        rejections.add(
          r.line,
          `level: "${r.level}" is not a step of the ${String(r.segment).toLowerCase()} calendar of customer ${r.external_id} (its steps: ${known.join(", ")})`,
        );
      }
    }
    await rejectDuplicateKeys(
      context,
      "stage_step",
      `coalesce(invoice_number, '#' || customer_ref) || ' ' || level || ' on ' || step_date::text`,
      (key) => `the step ${key}`,
    );
    // Already imported: the same step again is left as it is; a different channel or person is refused (the
    // history is never rewritten).
    const earlier = new Map(
      (
        await sql.query<{ key: string; channel: string; who: string }>(
          `SELECT data->>'importKey' AS key, channel::text AS channel, data->>'who' AS who
             FROM history_entry WHERE kind = 'reminder.step' AND origin = 'IMPORT' AND data ? 'importKey'`,
        )
      ).map((e) => [e.key, e]),
    );
    const fresh: typeof resolved = [];
    for (const r of resolved) {
      if (r.customer_id === null) continue;
      const before = earlier.get(keyOf(r));
      if (before === undefined) fresh.push(r);
      else if (before.channel !== r.channel || before.who !== r.who)
        rejections.add(
          r.line,
          `this step was imported before with channel ${before.channel.toLowerCase()} by ${before.who}; the history is never changed: correct the file or leave the line out`,
        );
    }
    context.phase("checks");
    if (rejections.count > 0) return {};

    for (const r of fresh) {
      const date = r.step_date as CalendarDate;
      await appendHistorySql(sql, {
        // Noon UTC: the same calendar date in every time zone from UTC-11 to UTC+11.
        occurredAt: new Date(`${date}T12:00:00Z`),
        customerId: r.customer_id,
        actorId: r.actor_id,
        actorLabel: r.actor_id === null ? r.who : null,
        origin: "IMPORT",
        channel: r.channel,
        kind: "reminder.step",
        text: `${r.level} (${r.channel.toLowerCase()}) done on ${date} by ${r.who}, imported from ${context.fileName}`,
        invoiceIds: r.invoice_id === null ? [] : [r.invoice_id],
        data: { levelId: r.level, imported: true, importKey: keyOf(r), who: r.who },
      });
    }
    return { steps: counts(resolved.length, fresh.length, 0) };
  },
};
