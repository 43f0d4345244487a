// What happens when a collector works an account: a reminder step done, a promise to pay recorded.
//
// Exactly once: the same click or form delivered several times (a retry, a replay, a double click, two
// processes) writes once. A row claimed with INSERT ... ON CONFLICT DO NOTHING under a unique key decides which
// delivery writes (task_outcome: one per task, day and outcome; promise_submission: one per form submission),
// in the same transaction as the history entry; the others are told who recorded it and when. A different
// outcome on the same task is another real event: it is recorded, and its entry says which one it follows.
//
// Lock order, to never deadlock: every claim first, then the task's advisory lock, then the customer's
// history lock (taken by appendHistory).
import type { Database, Sql } from "../db/database.js";
import { appendHistory, type HistoryChannel } from "../db/history.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { calendarDateAt, calendarDateToDb, calendarDateFromDb, parseCalendarDate, type CalendarDate } from "../domain/calendarDate.js";
import { formatMoney, parseAmount } from "../domain/money.js";
import { isTaskOutcome, type TaskOutcome } from "../domain/digest.js";
import { NOT_REGISTERED } from "../domain/access.js";
import { mayWorkTask, promiseAboveOpen, type OpenAmounts } from "../domain/taskWork.js";
import { AppError } from "../errors.js";
import { formatDate, phrase, say, t, type Phrase } from "../i18n/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Actor } from "./actor.js";
import { enqueueEvent } from "./events.js";

type Tx = Prisma.TransactionClient;

/**
 * A form refused field by field (e.g. `amount`): chat adapters show each message on its field, in the company's
 * language (`fieldsIn`); `fields` has them in English (logs, callers that do not know the locale).
 */
export class FormError extends AppError {
  readonly fields: Record<string, string>;

  constructor(private readonly said: Record<string, string | Phrase>) {
    super("input.invalid", Object.values(said).map((p) => (typeof p === "string" ? p : say("en-GB", p))).join(" "));
    this.name = "FormError";
    this.fields = this.fieldsIn("en-GB");
  }

  /** Each field's problem in the language of `locale`. */
  fieldsIn(locale: string): Record<string, string> {
    return Object.fromEntries(Object.entries(this.said).map(([field, p]) => [field, typeof p === "string" ? p : say(locale, p)]));
  }

  override textIn(locale: string): string {
    return Object.values(this.fieldsIn(locale)).join(" ");
  }
}

// Replays arrive in bursts (a thousand at once in the tests): a transaction may wait its turn for a connection
// and for the customer's lock well beyond Prisma's 2 s / 5 s defaults.
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };

/** The longest idempotency key kept (a Slack view id or a Teams activity id is far shorter). */
export const IDEMPOTENCY_KEY_MAX = 200;

interface Context {
  settings: CompanySettings;
  /** The task's day: today in the company's time zone. */
  today: CalendarDate;
  money(minor: bigint): string;
  /** "10:00", or "2026-11-19 10:00" when not today. */
  when(at: Date): string;
}

async function contextOf(db: Database, now: Date): Promise<Context> {
  const settings = await db.withConnection(loadSettings);
  const today = calendarDateAt(now, settings.timeZone);
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone: settings.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return {
    settings,
    today,
    money: (minor) => formatMoney(minor, settings.currency, settings.locale),
    when: (at) => {
      const day = calendarDateAt(at, settings.timeZone);
      return day === today ? clock.format(at) : `${formatDate(day, settings.locale)} ${clock.format(at)}`;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Who works the task

interface Worker {
  personId: number | null;
  /** The person's name, or the actor's label when there is no person ("system", "import"). */
  name: string;
  /** Set when back office or finance record for the account's collector. */
  onBehalfOf: { id: number; name: string } | null;
}

async function customerOf(tx: Tx, customerId: number) {
  const customer = await tx.customer.findUnique({ where: { id: customerId }, include: { collector: { select: { id: true, name: true } } } });
  if (!customer) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId }));
  return customer;
}

/** The actor may record on this account's tasks, or an AppError "forbidden" says why not (nothing is written). */
async function taskWorker(tx: Tx, actor: Actor, customer: Awaited<ReturnType<typeof customerOf>>): Promise<Worker> {
  const person =
    actor.personId === null
      ? null
      : await tx.person.findUnique({ where: { id: actor.personId }, select: { id: true, name: true, roles: true, active: true } });
  const access = mayWorkTask(person, { name: customer.name, collector: customer.collector });
  if (!access.ok || !person) throw new AppError("forbidden", access.ok ? NOT_REGISTERED : access.reason);
  return { personId: person.id, name: person.name, onBehalfOf: access.onBehalfOf };
}

/** The actor as the author of what it records, without an access check (CLI, demo, jobs). */
async function plainWorker(tx: Tx, actor: Actor, locale: string): Promise<Worker> {
  return { personId: actor.personId, name: await personName(tx, actor.personId, actor.label ?? null, locale), onBehalfOf: null };
}

async function personName(tx: Tx, personId: number | null, label: string | null, locale: string): Promise<string> {
  if (personId === null) return label ?? t(locale, "usecase.contact.theSystem");
  const person = await tx.person.findUnique({ where: { id: personId }, select: { name: true } });
  return person?.name ?? t(locale, "usecase.contact.personN", { personId });
}

/** "you" when the actor recorded it, else their name. */
const who = (actor: Actor, recordedById: number | null, name: string, locale: string) =>
  recordedById !== null && recordedById === actor.personId ? t(locale, "usecase.contact.you") : name;

// ---------------------------------------------------------------------------------------------------------
// Reminder steps and task outcomes

interface TaskKey {
  customerId: number;
  levelId: string;
  taskDate: CalendarDate;
}

/** Claims (task, outcome): true when this delivery is the one that writes. */
async function claimOutcome(tx: Tx, key: TaskKey, outcome: string, personId: number | null, now: Date): Promise<number | null> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: number }>>(
    `INSERT INTO task_outcome ("customerId", "levelId", "taskDate", outcome, "recordedById", "recordedAt")
     VALUES ($1, $2, $3::date, $4, $5, $6::timestamptz)
     ON CONFLICT ("customerId", "levelId", "taskDate", outcome) DO NOTHING
     RETURNING id`,
    key.customerId,
    key.levelId,
    key.taskDate,
    outcome,
    personId,
    now.toISOString(),
  );
  return rows[0]?.id ?? null;
}

/** Different outcomes of one task are written one at a time, so each sees the ones before it. */
async function lockTask(tx: Tx, key: TaskKey): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `ccbot-task:${key.customerId}:${key.levelId}:${key.taskDate}`);
}

function outcomeLabel(outcome: string, locale: string): string {
  if (isTaskOutcome(outcome)) return t(locale, `chat.outcome.${outcome}`);
  if (outcome === "promise") return t(locale, "usecase.contact.outcomePromise");
  return outcome === "done" ? t(locale, "usecase.contact.outcomeDone") : outcome;
}

/** An earlier, different outcome of the same task. */
export interface EarlierOutcome {
  outcome: string;
  label: string;
  entryId: bigint;
  recordedById: number | null;
  recordedBy: string;
  recordedAt: Date;
}

export interface StepResult {
  /** recorded: this delivery wrote it; already_recorded: an earlier delivery did. */
  status: "recorded" | "already_recorded";
  entryId: bigint;
  recordedAt: Date;
  recordedById: number | null;
  /** The name of who recorded it. */
  recordedBy: string;
  /** The task's other outcomes recorded before this one the same day (e.g. "no answer" before "reached"). */
  follows: EarlierOutcome[];
}

interface StepInput {
  customerId: number;
  levelId: string;
  channel: HistoryChannel;
  text: string;
  invoiceIds?: number[];
  outcome?: string;
}

/** The entry of an outcome already claimed by another delivery. */
async function alreadyRecorded(tx: Tx, key: TaskKey, outcome: string, locale: string): Promise<StepResult> {
  const row = await tx.taskOutcome.findUnique({
    where: {
      customerId_levelId_taskDate_outcome: {
        customerId: key.customerId,
        levelId: key.levelId,
        taskDate: calendarDateToDb(key.taskDate),
        outcome,
      },
    },
  });
  // The claim's own transaction writes its entry: a committed claim always has one.
  if (!row?.historyEntryId) throw new Error(`task_outcome ${key.customerId}/${key.levelId}/${key.taskDate}/${outcome} has no entry`);
  return {
    status: "already_recorded",
    entryId: row.historyEntryId,
    recordedAt: row.recordedAt,
    recordedById: row.recordedById,
    recordedBy: await personName(tx, row.recordedById, null, locale),
    follows: [],
  };
}

/** Writes the step claimed by this delivery, saying which earlier outcomes of the task it follows. */
async function writeClaimedStep(
  tx: Tx,
  ctx: Context,
  actor: Actor,
  worker: Worker,
  key: TaskKey,
  claimId: number,
  input: StepInput,
  now: Date,
): Promise<StepResult> {
  const earlierRows = await tx.taskOutcome.findMany({
    where: {
      customerId: key.customerId,
      levelId: key.levelId,
      taskDate: calendarDateToDb(key.taskDate),
      id: { not: claimId },
      historyEntryId: { not: null },
    },
    orderBy: { recordedAt: "asc" },
  });
  const follows: EarlierOutcome[] = [];
  for (const r of earlierRows) {
    follows.push({
      outcome: r.outcome,
      label: outcomeLabel(r.outcome, ctx.settings.locale),
      entryId: r.historyEntryId as bigint,
      recordedById: r.recordedById,
      recordedBy: await personName(tx, r.recordedById, null, ctx.settings.locale),
      recordedAt: r.recordedAt,
    });
  }
  const locale = ctx.settings.locale;
  const notes = [
    ...(follows.length
      ? [
          t(locale, "usecase.contact.noteFollows", {
            list: follows.map((f) => t(locale, "usecase.contact.noteFollowsItem", { label: f.label, when: ctx.when(f.recordedAt) })).join(", "),
          }),
        ]
      : []),
    ...(worker.onBehalfOf ? [t(locale, "usecase.contact.noteFor", { name: worker.onBehalfOf.name })] : []),
  ];
  const data: Record<string, Prisma.InputJsonValue> = { levelId: input.levelId };
  if (input.outcome) data.outcome = input.outcome;
  if (follows.length) data.follows = follows.map((f) => ({ outcome: f.outcome, entryId: String(f.entryId) }));
  if (worker.onBehalfOf) data.onBehalfOf = worker.onBehalfOf.id;
  const entryId = await appendHistory(tx, {
    occurredAt: now,
    customerId: key.customerId,
    actorId: actor.personId,
    actorLabel: actor.label ?? null,
    origin: actor.origin,
    channel: input.channel,
    kind: "reminder.step",
    text: notes.length ? `${input.text} (${notes.join("; ")})` : input.text,
    invoiceIds: input.invoiceIds ?? [],
    data,
  });
  await tx.taskOutcome.update({ where: { id: claimId }, data: { historyEntryId: entryId } });
  return { status: "recorded", entryId, recordedAt: now, recordedById: worker.personId, recordedBy: worker.name, follows };
}

async function recordStepIn(tx: Tx, ctx: Context, actor: Actor, worker: Worker, input: StepInput, now: Date): Promise<StepResult> {
  const key: TaskKey = { customerId: input.customerId, levelId: input.levelId, taskDate: ctx.today };
  const outcome = input.outcome ?? "done";
  const claimId = await claimOutcome(tx, key, outcome, actor.personId, now);
  if (claimId === null) return alreadyRecorded(tx, key, outcome, ctx.settings.locale);
  await lockTask(tx, key);
  return writeClaimedStep(tx, ctx, actor, worker, key, claimId, input, now);
}

/**
 * A reminder step done (an e-mail sent, a call made), once per task, day (company time zone) and outcome:
 * returns its history entry, or the entry an earlier delivery of the same step wrote. No access check: chat
 * users go through recordTaskOutcome.
 */
export async function recordStep(db: Database, actor: Actor, input: StepInput, now = new Date()): Promise<bigint> {
  const ctx = await contextOf(db, now);
  return db.prisma.$transaction(async (tx) => {
    await customerOf(tx, input.customerId);
    const step = await recordStepIn(tx, ctx, actor, await plainWorker(tx, actor, ctx.settings.locale), input, now);
    return step.entryId;
  }, TX_OPTIONS);
}

export interface TaskOutcomeResult extends StepResult {
  outcome: TaskOutcome;
  label: string;
  /** The collector the outcome was recorded for, when back office or finance recorded it. */
  onBehalfOf: string | null;
  /** What to tell the person who clicked, true to what happened. */
  message: string;
}

/**
 * A collector's one-click outcome on a task (no answer, wrong contact...): a reminder step with its outcome.
 * Someone else's task, or an unregistered person, is refused with an AppError "forbidden" naming whose task it
 * is; nothing is written then.
 */
export async function recordTaskOutcome(
  db: Database,
  actor: Actor,
  input: { customerId: number; levelId: string; channel?: string; outcome: string },
  now = new Date(),
): Promise<TaskOutcomeResult> {
  if (!isTaskOutcome(input.outcome))
    throw new AppError("input.invalid", phrase("usecase.contact.invalidOutcome"));
  const outcome = input.outcome;
  const channel = (STEP_CHANNELS as readonly string[]).includes(input.channel ?? "") ? (input.channel as HistoryChannel) : "PHONE";
  const ctx = await contextOf(db, now);
  const label = outcomeLabel(outcome, ctx.settings.locale);
  return db.prisma.$transaction(async (tx) => {
    const customer = await customerOf(tx, input.customerId);
    const worker = await taskWorker(tx, actor, customer);
    const step = await recordStepIn(
      tx,
      ctx,
      actor,
      worker,
      {
        customerId: customer.id,
        levelId: input.levelId,
        channel,
        text: t(ctx.settings.locale, "usecase.contact.stepText", { level: input.levelId, label }),
        outcome,
      },
      now,
    );
    const onBehalfOf = step.status === "recorded" ? (worker.onBehalfOf?.name ?? null) : null;
    return { outcome, label, ...step, onBehalfOf, message: outcomeMessage(ctx, actor, label, step, onBehalfOf) };
  }, TX_OPTIONS);
}

function outcomeMessage(ctx: Context, actor: Actor, label: string, step: StepResult, onBehalfOf: string | null): string {
  const locale = ctx.settings.locale;
  if (step.status === "already_recorded")
    return t(locale, "usecase.contact.outcomeAlready", {
      label,
      who: who(actor, step.recordedById, step.recordedBy, locale),
      when: ctx.when(step.recordedAt),
    });
  const after = step.follows.map((f) =>
    t(locale, "usecase.contact.outcomeAfter", { label: f.label, who: who(actor, f.recordedById, f.recordedBy, locale), when: ctx.when(f.recordedAt) }),
  );
  return t(locale, "usecase.contact.outcomeRecorded", {
    label,
    forWhom: onBehalfOf ? t(locale, "usecase.contact.forName", { name: onBehalfOf }) : "",
    after: after.length ? t(locale, "usecase.contact.afterList", { list: after.join("; ") }) : "",
  });
}

const STEP_CHANNELS = ["EMAIL", "PHONE", "LETTER", "VISIT"] as const;

// ---------------------------------------------------------------------------------------------------------
// Promises to pay

const OPEN_AMOUNTS = `
  SELECT coalesce(sum(i."openAmount") FILTER (WHERE i."dueDate" < $2::date AND i.status <> 'LITIGATION'), 0)::text AS overdue,
         coalesce(sum(i."openAmount"), 0)::text AS owed
    FROM invoice i
   WHERE i."customerId" = $1 AND i.kind = 'INVOICE' AND i."openAmount" > 0
     AND NOT EXISTS (SELECT 1 FROM dispute d WHERE d."invoiceId" = i.id AND d.status = 'OPEN')`;

const toOpenAmounts = (row: { overdue: string; owed: string } | undefined): OpenAmounts => ({
  overdue: BigInt(row?.overdue ?? "0"),
  owed: BigInt(row?.owed ?? "0"),
});

export interface PromiseInput {
  customerId: number;
  amount: bigint;
  promisedDate: CalendarDate;
  invoiceIds?: number[];
  note?: string;
  /**
   * The chat's own key of this form submission (Slack view id, Teams activity id): a replay with the same key
   * finds the promise it made.
   */
  idempotencyKey?: string;
  /** The person confirmed a promise above what the customer owes overdue and undisputed. */
  confirmAboveOpen?: boolean;
}

export interface PromiseResult {
  status: "recorded" | "already_recorded";
  promiseId: number;
  amount: bigint;
  promisedDate: CalendarDate;
  recordedById: number | null;
  /** The name of who recorded it. */
  recordedBy: string;
  recordedAt: Date;
  /** The task's reminder step ("reached, promise to pay"), when the promise was taken on a task. */
  step: StepResult | null;
  onBehalfOf: string | null;
  /** What to tell the person who submitted the form, true to what happened. */
  message: string;
}

function checkPromiseInput(input: PromiseInput): void {
  if (input.amount <= 0n) throw new FormError({ amount: phrase("usecase.contact.amountPositive") });
  if (input.idempotencyKey !== undefined && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > IDEMPOTENCY_KEY_MAX))
    throw new AppError("input.invalid", phrase("usecase.contact.keyLength", { max: IDEMPOTENCY_KEY_MAX }));
}

async function recordPromiseIn(
  tx: Tx,
  ctx: Context,
  actor: Actor,
  worker: Worker,
  input: PromiseInput,
  task: { levelId: string } | null,
  now: Date,
): Promise<PromiseResult> {
  const customer = await customerOf(tx, input.customerId);
  const taskKey: TaskKey | null = task ? { customerId: customer.id, levelId: task.levelId, taskDate: ctx.today } : null;
  // 1. The submission: its key, and the same promise for the same task the same day, decide.
  let submissionId: number | null = null;
  if (input.idempotencyKey !== undefined || taskKey) {
    const rows = await tx.$queryRawUnsafe<Array<{ id: number }>>(
      `INSERT INTO promise_submission ("idempotencyKey", "customerId", "levelId", "taskDate", "recordedById", amount, "promisedDate", "submittedAt")
       VALUES ($1, $2, $3, $4::date, $5, $6::bigint, $7::date, $8::timestamptz)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      input.idempotencyKey ?? null,
      customer.id,
      taskKey?.levelId ?? null,
      taskKey?.taskDate ?? null,
      actor.personId,
      input.amount.toString(),
      input.promisedDate,
      now.toISOString(),
    );
    submissionId = rows[0]?.id ?? null;
    if (submissionId === null) return samePromise(tx, ctx, actor, input, taskKey);
  }
  // 2. What the customer owes: a promise above it needs the person's confirmation.
  if (!input.confirmAboveOpen) {
    const [row] = await tx.$queryRawUnsafe<Array<{ overdue: string; owed: string }>>(OPEN_AMOUNTS, customer.id, ctx.today);
    const problem = promiseAboveOpen(input.amount, toOpenAmounts(row), customer.name, ctx.money, ctx.settings.locale);
    if (problem) throw new FormError({ amount: problem });
  }
  // 3. The task's step (claimed before any lock), then the promise and the step's entry.
  const stepClaim = taskKey ? await claimOutcome(tx, taskKey, "promise", actor.personId, now) : null;
  if (taskKey) await lockTask(tx, taskKey);
  const promise = await tx.promiseToPay.create({
    data: {
      customerId: customer.id,
      amount: input.amount,
      currency: customer.currency,
      promisedDate: calendarDateToDb(input.promisedDate),
      recordedById: actor.personId,
      recordedAt: now,
      invoices: input.invoiceIds?.length ? { create: input.invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
    },
  });
  if (submissionId !== null) await tx.promiseSubmission.update({ where: { id: submissionId }, data: { promiseId: promise.id } });
  const locale = ctx.settings.locale;
  const forWhom = worker.onBehalfOf ? t(locale, "usecase.contact.historyForWhom", { name: worker.onBehalfOf.name }) : "";
  await appendHistory(tx, {
    occurredAt: now,
    customerId: customer.id,
    actorId: actor.personId,
    actorLabel: actor.label ?? null,
    origin: actor.origin,
    channel: "PHONE",
    kind: "promise.recorded",
    text: t(locale, "usecase.contact.historyPromise", {
      amount: formatMoney(input.amount, customer.currency, locale),
      date: formatDate(input.promisedDate, locale),
      note: input.note ? t(locale, "usecase.plan.historyNote", { note: input.note }) : "",
      forWhom,
    }),
    invoiceIds: input.invoiceIds ?? [],
    data: {
      promiseId: promise.id,
      ...(input.confirmAboveOpen ? { confirmedAboveOpen: true } : {}),
      ...(worker.onBehalfOf ? { onBehalfOf: worker.onBehalfOf.id } : {}),
    },
  });
  await enqueueEvent(tx, { kind: "promise.recorded", promiseId: promise.id, at: now });
  let step: StepResult | null = null;
  if (taskKey && task) {
    const stepInput: StepInput = {
      customerId: customer.id,
      levelId: task.levelId,
      channel: "PHONE",
      text: t(locale, "usecase.contact.stepText", { level: task.levelId, label: outcomeLabel("promise", locale) }),
      outcome: "promise",
    };
    step =
      stepClaim === null
        ? await alreadyRecorded(tx, taskKey, "promise", locale)
        : await writeClaimedStep(tx, ctx, actor, worker, taskKey, stepClaim, stepInput, now);
  }
  const onBehalfOf = worker.onBehalfOf?.name ?? null;
  return {
    status: "recorded",
    promiseId: promise.id,
    amount: input.amount,
    promisedDate: input.promisedDate,
    recordedById: worker.personId,
    recordedBy: worker.name,
    recordedAt: now,
    step,
    onBehalfOf,
    message: t(locale, "usecase.contact.promiseRecorded", {
      amount: ctx.money(input.amount),
      date: formatDate(input.promisedDate, locale),
      forWhom: onBehalfOf ? t(locale, "usecase.contact.forName", { name: onBehalfOf }) : "",
    }),
  };
}

/** The promise an earlier delivery of the same submission made. */
async function samePromise(tx: Tx, ctx: Context, actor: Actor, input: PromiseInput, taskKey: TaskKey | null): Promise<PromiseResult> {
  const same: Prisma.PromiseSubmissionWhereInput[] = [];
  if (input.idempotencyKey !== undefined) same.push({ idempotencyKey: input.idempotencyKey });
  if (taskKey)
    same.push({
      customerId: taskKey.customerId,
      levelId: taskKey.levelId,
      taskDate: calendarDateToDb(taskKey.taskDate),
      recordedById: actor.personId,
      amount: input.amount,
      promisedDate: calendarDateToDb(input.promisedDate),
    });
  const submission = await tx.promiseSubmission.findFirst({ where: { OR: same }, orderBy: { id: "asc" } });
  const promise = submission?.promiseId ? await tx.promiseToPay.findUnique({ where: { id: submission.promiseId } }) : null;
  // The claim's own transaction made the promise: a committed submission always has one.
  if (!submission || !promise) throw new Error(`promise_submission for customer ${input.customerId} has no promise`);
  const promisedDate = calendarDateFromDb(promise.promisedDate);
  const recordedBy = await personName(tx, promise.recordedById, null, ctx.settings.locale);
  return {
    status: "already_recorded",
    promiseId: promise.id,
    amount: promise.amount,
    promisedDate,
    recordedById: promise.recordedById,
    recordedBy,
    recordedAt: promise.recordedAt,
    step: null,
    onBehalfOf: null,
    message: t(ctx.settings.locale, "usecase.contact.promiseAlready", {
      amount: ctx.money(promise.amount),
      date: formatDate(promisedDate, ctx.settings.locale),
      who: who(actor, promise.recordedById, recordedBy, ctx.settings.locale),
      when: ctx.when(promise.recordedAt),
    }),
  };
}

/**
 * A call that ended with a promise to pay: the promise, and the reminder step it completes, in one
 * transaction. One promise per form submission (its idempotencyKey; and in any case the same amount and date
 * by the same person for the same task the same day). Above what the customer owes, a FormError on `amount`
 * unless confirmAboveOpen. Someone else's task: an AppError "forbidden" saying whose it is.
 */
export async function recordPromiseFromCall(
  db: Database,
  actor: Actor,
  input: PromiseInput & { levelId: string },
  now = new Date(),
): Promise<PromiseResult> {
  checkPromiseInput(input);
  const ctx = await contextOf(db, now);
  return db.prisma.$transaction(async (tx) => {
    const worker = await taskWorker(tx, actor, await customerOf(tx, input.customerId));
    return recordPromiseIn(tx, ctx, actor, worker, input, { levelId: input.levelId }, now);
  }, TX_OPTIONS);
}

/**
 * A promise to pay outside a task (CLI, demo, imports): the same checks of amount and submission key, no
 * access check and no reminder step. Returns the promise's id (an earlier one for a replayed key).
 */
export async function recordPromise(db: Database, actor: Actor, input: PromiseInput, now = new Date()): Promise<number> {
  checkPromiseInput(input);
  const ctx = await contextOf(db, now);
  const result = await db.prisma.$transaction(
    async (tx) => recordPromiseIn(tx, ctx, actor, await plainWorker(tx, actor, ctx.settings.locale), input, null, now),
    TX_OPTIONS,
  );
  return result.promiseId;
}

/** Reads a promise-to-pay form (chat modal): the amount and date, or the problem with each field. */
export function readPromiseForm(
  input: { amount: string; date: string },
  today: CalendarDate,
  locale: string,
): { ok: true; amount: bigint; date: CalendarDate } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const amount = parseAmount(input.amount);
  if (!amount.ok) errors.amount = amount.reason;
  else if (amount.minor <= 0n) errors.amount = t(locale, "usecase.dispute.amountPositive");
  const date = parseCalendarDate(input.date);
  if (!date) errors.date = t(locale, "usecase.contact.pickDate");
  else if (date < today) errors.date = t(locale, "usecase.contact.notBeforeToday");
  if (Object.keys(errors).length > 0 || !amount.ok || !date) return { ok: false, errors };
  return { ok: true, amount: amount.minor, date };
}

/**
 * readPromiseForm, plus what needs the database: an amount above what the customer owes is an error on
 * `amount` naming that figure, unless confirmAboveOpen. For chat forms that can still answer on the field
 * (Slack's view submission before ack); recordPromiseFromCall checks again when it writes.
 */
export async function validatePromiseForm(
  db: Database,
  input: { customerId: number; amount: string; date: string; confirmAboveOpen?: boolean },
  now = new Date(),
): Promise<{ ok: true; amount: bigint; date: CalendarDate } | { ok: false; errors: Record<string, string> }> {
  const ctx = await contextOf(db, now);
  const form = readPromiseForm(input, ctx.today, ctx.settings.locale);
  if (!form.ok || input.confirmAboveOpen) return form;
  const customer = await db.prisma.customer.findUnique({ where: { id: input.customerId }, select: { name: true } });
  if (!customer) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId: input.customerId }));
  const [row] = await db.withConnection((sql: Sql) => sql.query<{ overdue: string; owed: string }>(OPEN_AMOUNTS, [input.customerId, ctx.today]));
  const problem = promiseAboveOpen(form.amount, toOpenAmounts(row), customer.name, ctx.money, ctx.settings.locale);
  return problem ? { ok: false, errors: { amount: problem } } : form;
}
