// The dunning policy: reminder levels per segment, the rules that propose committee actions, and who must
// approve each action. It is data (a JSON file validated here, with a documented default in
// docs/policy.md), and the engine enforces it wherever a decision comes from.
import { z } from "zod";
import { LEGAL_INTEREST_RATES, REFERENCE_RATES } from "./latePenalties.js";
import { LEGAL_REGIMES } from "./legal.js";
import { ROLES, SEGMENTS } from "./parties.js";

export const CHANNELS = ["EMAIL", "PHONE", "LETTER", "VISIT"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ACTION_KINDS = [
  "BLOCK_DELIVERIES",
  "UNBLOCK_DELIVERIES",
  "FORMAL_NOTICE",
  "LITIGATION",
  "CREDIT_LIMIT_CHANGE",
  "HOLD",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const role = z.enum(ROLES);
/** Who presses send on an e-mail step (docs/email.md). */
export const SEND_MODES = ["auto", "propose", "manual"] as const;
export type SendMode = (typeof SEND_MODES)[number];
/** How a formal notice goes out besides (or instead of) the registered letter. */
export const FORMAL_NOTICE_EMAIL = ["off", "also", "instead"] as const;
/** The roles a calendar step can be given to (src/domain/taskWork.ts stepAssignee says to whom). */
export const STEP_ROLES = ["COLLECTOR", "SALES", "BACK_OFFICE", "FINANCE"] as const;

const level = z.object({
  /** Stable name, e.g. "first-reminder"; recorded in the history when the step is done. */
  id: z.string().regex(/^[a-z0-9-]+$/, "use lower-case letters, digits and dashes"),
  /** Days relative to the due date: negative = before (pre-due reminder). */
  day: z.number().int().min(-60).max(365),
  channel: z.enum(CHANNELS),
  /** Template name in templates/ (messages and letters). */
  template: z.string().min(1),
  /**
   * Who does it: the collector, the account's sales owner (SALES: the visit; the collector when the account
   * has none), or back office / finance (seen through by the collector). Every step has someone.
   */
  by: z.enum(STEP_ROLES, { message: `a step is done by one of: ${STEP_ROLES.join(", ")}` }),
  /**
   * E-mail steps (docs/email.md): "auto" sent on the calendar by the daily job, "propose" offered to the
   * collector in the task with a preview, Send and Edit then send, "manual" written by the collector elsewhere.
   * Only when SMTP is configured; otherwise every e-mail step is manual.
   */
  send: z.enum(SEND_MODES, { message: `send is one of: ${SEND_MODES.join(", ")}` }).default("propose"),
  /** E-mail steps: a copy (Cc) to the account's sales owner. */
  copySalesOwner: z.boolean().default(false),
  /** The step's name as people say it ("Last reminder"); unset: made from the id ("last-reminder" → "Last reminder"). */
  name: z.string().min(1).max(80).optional(),
});

/** A level's name as people read it: its `name`, else its id in words ("first-reminder" → "First reminder"). */
export function levelName(level: { id: string; name?: string | undefined }): string {
  if (level.name) return level.name;
  const words = level.id.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const PAYER_GRADES = ["A", "B", "C", "D"] as const;
/**
 * Who gets the segment's pre-due courtesy reminder (seed "relances préventives"), any one criterion is enough;
 * without `preDueFor`, every account with an invoice falling due in the window (docs/email.md).
 */
const preDueTargets = z
  .object({
    /** Large accounts: the open balance (minor units) is at least this. */
    balanceMinimum: z.number({ message: "balanceMinimum is a positive whole amount in minor units (10000 = 100.00)" }).int().positive(),
    /** Large invoices: an invoice falling due in the window is at least this (minor units). */
    invoiceMinimum: z.number({ message: "invoiceMinimum is a positive whole amount in minor units (10000 = 100.00)" }).int().positive(),
    /** New customers: their first invoice was issued at most this many days ago. */
    newCustomerDays: z.number({ message: "newCustomerDays is a whole number of days from 1 to 730" }).int().positive().max(730),
    /** Past late payers: their payer grade (docs/kpis.md) is one of these. */
    payerGrades: z.array(z.enum(PAYER_GRADES, { message: `a payer grade is one of: ${PAYER_GRADES.join(", ")}` })).min(1),
    /** Past late payers: they paid this many days late or more on average (amount-weighted, last 12 months). */
    averageDaysLate: z.number({ message: "averageDaysLate is a whole number of days from 1 to 365" }).int().positive().max(365),
  })
  .partial()
  .strict()
  .refine((t) => Object.keys(t).length > 0, {
    message: "name at least one of balanceMinimum, invoiceMinimum, newCustomerDays, payerGrades, averageDaysLate (or leave preDueFor out)",
  });

const segmentPolicy = z.object({
  /**
   * The law the segment's debts fall under (docs/legal.md): "commercial" (Code de commerce L441-10) or
   * "public-procurement" (Code de la commande publique: ECB + 8 points, letters to the authorising officer,
   * no delivery block, escalation by mandatement d'office or the administrative judge).
   */
  regime: z.enum(LEGAL_REGIMES).default("commercial"),
  levels: z.array(level).min(1),
  /** Only remind before the due date above this amount (minor units), e.g. large invoices. */
  preDueMinimum: z.number().int().nonnegative().default(0),
  /**
   * The formal notice the committee approved (docs/email.md, docs/legal.md): "off" the registered letter only,
   * "also" e-mailed with the letter's PDF attached as well as sent by registered letter, "instead" e-mailed
   * only (the registered-letter task comes back if the e-mail cannot go). Only when SMTP is configured.
   */
  preDueFor: preDueTargets.optional(),
  formalNoticeEmail: z.enum(FORMAL_NOTICE_EMAIL, { message: `formalNoticeEmail is one of: ${FORMAL_NOTICE_EMAIL.join(", ")}` }).default("off"),
});

const materiality = z.object({
  /** Amount at risk (minor units) below which nothing is proposed to the committee. */
  minimumAtRisk: z.number().int().nonnegative(),
  /** Oldest days late below which nothing is proposed (a credit-limit change is judged on amount alone). */
  minimumDaysLate: z.number().int().nonnegative(),
});

/** Default materiality per segment: large accounts matter from 5 000, SMEs 1 000, very small businesses 500. */
const DEFAULT_MATERIALITY = {
  LARGE_ACCOUNT: { minimumAtRisk: 500_000, minimumDaysLate: 15 },
  SME: { minimumAtRisk: 100_000, minimumDaysLate: 15 },
  VERY_SMALL_BUSINESS: { minimumAtRisk: 50_000, minimumDaysLate: 15 },
  PUBLIC_SECTOR: { minimumAtRisk: 200_000, minimumDaysLate: 30 },
};

const approval = z.object({
  /** Every listed role must be represented among the approvers. */
  roles: z.array(role).min(1),
  /** The account's own sales owner must be among the approvers. */
  salesOwner: z.boolean().default(false),
  /** At least this many distinct approvers. */
  minApprovers: z.number().int().min(1).default(2),
});

export const policySchema = z
  .object({
    version: z.literal(1),
    /** Aged-balance bucket edges in days past due: [30, 60, 90] gives not due, 1-30, 31-60, 61-90, over 90. */
    agingBuckets: z
      .array(z.number().int().positive())
      .min(1)
      .refine((edges) => edges.every((e, i) => i === 0 || e > (edges[i - 1] as number)), "bucket edges must increase"),
    segments: z.object(
      Object.fromEntries(SEGMENTS.map((s) => [s, segmentPolicy])) as Record<(typeof SEGMENTS)[number], typeof segmentPolicy>,
    ),
    rules: z.object({
      blockDeliveries: z.object({
        /** Propose a block when the exposure exceeds the credit limit and something is this many days late. */
        overLimitDaysLate: z.number().int().nonnegative(),
        /** ...or when anything is this many days late, whatever the limit. */
        daysLate: z.number().int().positive(),
        /** Never propose a block for less than this overdue (minor units). */
        minimumOverdue: z.number().int().nonnegative(),
      }),
      formalNotice: z.object({
        /** Propose a formal notice once the last reminder level is done and this many days late. */
        daysLate: z.number().int().positive(),
        minimumOverdue: z.number().int().nonnegative(),
        /** Days the debtor is given in the formal notice. */
        deadlineDays: z.number().int().positive(),
      }),
      litigation: z.object({
        daysLate: z.number().int().positive(),
        minimumOverdue: z.number().int().nonnegative(),
        /** Litigation only after a formal notice whose deadline has passed. */
        requiresExpiredFormalNotice: z.boolean(),
      }),
      creditLimit: z.object({
        /** Propose lowering the limit to the exposure when the payer score falls below this. */
        lowerBelowScore: z.number().min(0).max(100),
        /** Propose raising it by raisePercent when the score is at least this and exposure is near the limit. */
        raiseAboveScore: z.number().min(0).max(100),
        raisePercent: z.number().int().positive().max(200),
        nearLimitPercent: z.number().int().positive().max(100),
      }),
      promises: z.object({
        /** A promise is kept if the money arrives within this many days after the promised date. */
        toleranceDays: z.number().int().nonnegative(),
      }),
    }),
    approvals: z.object(Object.fromEntries(ACTION_KINDS.map((k) => [k, approval])) as Record<ActionKind, typeof approval>),
    priority: z.object({
      /** Weights of the priority score (see docs/policy.md). */
      overdueAmount: z.number().nonnegative(),
      age: z.number().nonnegative(),
      payerScore: z.number().nonnegative(),
      overLimit: z.number().nonnegative(),
      brokenPromises: z.number().nonnegative(),
    }),
    legal: z.object({
      /**
       * ECB main refinancing rate (percent) in force on each 1 January and 1 July, for late-payment
       * penalties (L441-10 Code de commerce). Keep it up to date from the Banque de France's publication.
       */
      referenceRates: z.record(z.string().regex(/^\d{4}-(01|07)-01$/, "keys are YYYY-01-01 or YYYY-07-01"), z.number().min(-5).max(50)),
      /**
       * Legal interest rate for professional creditors (percent) in force each half-year: a contractual
       * penalty rate (company setting penalty-rate) may not be below three times it (L441-10 II).
       */
      legalInterestRates: z
        .record(z.string().regex(/^\d{4}-(01|07)-01$/, "keys are YYYY-01-01 or YYYY-07-01"), z.number().min(-5).max(50))
        .default({ ...LEGAL_INTEREST_RATES }),
    }),
    committee: z.object({
      /** How many priority accounts the digest shows. */
      topAccounts: z.number().int().positive().max(200),
      /** How many proposals the digest lists, by stakes; the rest are one click away (docs/policy.md, "The committee's agenda"). */
      maxProposals: z.number().int().positive().max(100).default(15),
      /**
       * Below these, no committee proposal for the segment (the collector's calendar goes on): the amount at
       * risk in minor units and the oldest days late. Lifting a block is never held back.
       */
      materiality: z
        .object(Object.fromEntries(SEGMENTS.map((s) => [s, materiality])) as Record<(typeof SEGMENTS)[number], typeof materiality>)
        .default(DEFAULT_MATERIALITY),
      /**
       * A rejected proposal comes back only when the amount at risk has grown by `worsenPercent` since the
       * rejection, or `coolDownDays` after it.
       */
      afterRejection: z
        .object({ worsenPercent: z.number().int().positive().max(1000), coolDownDays: z.number().int().positive().max(365) })
        .default({ worsenPercent: 25, coolDownDays: 28 }),
    }),
    kpis: z.object({
      /** DSO convention: 365 or 360 days a year. */
      dsoYearDays: z.union([z.literal(365), z.literal(360)]),
      /** Sales in the DSO with VAT (like receivables) or without. */
      dsoSalesIncludeVat: z.boolean(),
      /** VAT rate used to take VAT out of sales, in percent. */
      vatRatePercent: z.number().min(0).max(100),
      /** Gross margin rate used for the cost of an unpaid invoice, in percent. */
      grossMarginPercent: z.number().positive().max(100),
    }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type Level = z.infer<typeof level>;
export type PreDueTargets = z.infer<typeof preDueTargets>;

const standardLevels = (preDue: boolean): PolicyInput["segments"]["SME"]["levels"] => [
  ...(preDue
    ? [{ id: "pre-due-courtesy", day: -5, channel: "EMAIL" as const, template: "reminder-courtesy", by: "COLLECTOR" as const, send: "auto" as const }]
    : []),
  { id: "first-reminder", day: 3, channel: "EMAIL", template: "reminder-first", by: "COLLECTOR", send: "auto" },
  { id: "first-call", day: 10, channel: "PHONE", template: "call-checklist", by: "COLLECTOR" },
  { id: "second-reminder", day: 20, channel: "EMAIL", template: "reminder-second", by: "COLLECTOR" },
  { id: "second-call", day: 30, channel: "PHONE", template: "call-checklist", by: "COLLECTOR" },
  { id: "last-reminder", day: 40, channel: "LETTER", template: "reminder-last", by: "COLLECTOR" },
];

export const DEFAULT_POLICY: PolicyInput = {
  version: 1,
  agingBuckets: [30, 60, 90],
  segments: {
    // Large accounts: pre-due call on big invoices, their accounts payable need it to schedule payment.
    LARGE_ACCOUNT: {
      regime: "commercial",
      preDueMinimum: 1_000_000,
      levels: [{ id: "pre-due-call", day: -10, channel: "PHONE", template: "call-checklist", by: "COLLECTOR" }, ...standardLevels(false)],
    },
    SME: { regime: "commercial", levels: standardLevels(false) },
    // Very small businesses: faster and more personal (a call early, a visit from sales later).
    VERY_SMALL_BUSINESS: {
      regime: "commercial",
      levels: [
        { id: "first-call", day: 2, channel: "PHONE", template: "call-checklist", by: "COLLECTOR" },
        { id: "first-reminder", day: 7, channel: "EMAIL", template: "reminder-first", by: "COLLECTOR", send: "auto" },
        { id: "second-call", day: 15, channel: "PHONE", template: "call-checklist", by: "COLLECTOR" },
        { id: "sales-visit", day: 25, channel: "VISIT", template: "call-checklist", by: "SALES" },
        { id: "last-reminder", day: 30, channel: "LETTER", template: "reminder-last", by: "COLLECTOR" },
      ],
    },
    // Public sector (Code de la commande publique): the money waits on the authorising officer (ordonnateur),
    // who orders the payment, and the public accountant (comptable public), who pays. Check first that the
    // invoice was received and the service certified, then remind both, on paper; no delivery block, ever.
    PUBLIC_SECTOR: {
      regime: "public-procurement",
      levels: [
        { id: "receipt-check", day: 3, channel: "PHONE", template: "call-checklist-public", by: "COLLECTOR" },
        { id: "ordonnateur-reminder", day: 10, channel: "LETTER", template: "reminder-public", by: "COLLECTOR" },
        { id: "accountant-call", day: 20, channel: "PHONE", template: "call-checklist-public", by: "COLLECTOR" },
        { id: "last-reminder", day: 35, channel: "LETTER", template: "reminder-public-last", by: "BACK_OFFICE" },
      ],
    },
  },
  rules: {
    blockDeliveries: { overLimitDaysLate: 15, daysLate: 60, minimumOverdue: 50_000 },
    formalNotice: { daysLate: 45, minimumOverdue: 15_000, deadlineDays: 8 },
    litigation: { daysLate: 90, minimumOverdue: 150_000, requiresExpiredFormalNotice: true },
    creditLimit: { lowerBelowScore: 40, raiseAboveScore: 85, raisePercent: 20, nearLimitPercent: 90 },
    promises: { toleranceDays: 3 },
  },
  approvals: {
    BLOCK_DELIVERIES: { roles: ["FINANCE"], salesOwner: true, minApprovers: 2 },
    UNBLOCK_DELIVERIES: { roles: ["FINANCE"], salesOwner: false, minApprovers: 1 },
    FORMAL_NOTICE: { roles: ["FINANCE"], salesOwner: true, minApprovers: 2 },
    LITIGATION: { roles: ["FINANCE", "ADMIN"], salesOwner: false, minApprovers: 2 },
    CREDIT_LIMIT_CHANGE: { roles: ["FINANCE"], salesOwner: true, minApprovers: 2 },
    HOLD: { roles: ["BACK_OFFICE"], salesOwner: false, minApprovers: 1 },
  },
  priority: { overdueAmount: 40, age: 25, payerScore: 15, overLimit: 10, brokenPromises: 10 },
  legal: { referenceRates: { ...REFERENCE_RATES }, legalInterestRates: { ...LEGAL_INTEREST_RATES } },
  committee: {
    topAccounts: 10,
    maxProposals: 15,
    materiality: DEFAULT_MATERIALITY,
    afterRejection: { worsenPercent: 25, coolDownDays: 28 },
  },
  kpis: { dsoYearDays: 365, dsoSalesIncludeVat: true, vatRatePercent: 20, grossMarginPercent: 30 },
};

export function parsePolicy(input: unknown, source = "policy"): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new PolicyError(`${source} is not a valid dunning policy:\n  ${problems.join("\n  ")}`);
  }
  for (const [segment, spec] of Object.entries(parsed.data.segments)) {
    const days = spec.levels.map((l) => l.day);
    if (days.some((d, i) => i > 0 && d <= (days[i - 1] as number))) {
      throw new PolicyError(`${source}: segments.${segment}.levels must be in increasing day order`);
    }
    if (spec.preDueFor && !spec.levels.some((l) => l.day < 0))
      throw new PolicyError(`${source}: segments.${segment}.preDueFor: the segment has no pre-due level (a level with a negative day) to send`);
    const ids = new Set(spec.levels.map((l) => l.id));
    if (ids.size !== spec.levels.length) throw new PolicyError(`${source}: segments.${segment}.levels have a repeated id`);
  }
  return parsed.data;
}

export class PolicyError extends Error {
  override name = "PolicyError";
}

export const defaultPolicy: Policy = parsePolicy(DEFAULT_POLICY, "the default policy");
