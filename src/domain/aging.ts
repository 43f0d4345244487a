// The aged balance: open amounts by how late they are, as of a date. Disputed amounts are shown apart (only
// the amount disputed: the rest of a partly disputed invoice ages with the others), credit notes and
// unallocated payments reduce the balance.
import { daysBetween, type CalendarDate } from "./calendarDate.js";
import { t } from "../i18n/index.js";

export interface AgingItem {
  dueDate: CalendarDate;
  openAmount: bigint;
  /** The part of the open amount under an open dispute (0 when none). */
  disputedAmount: bigint;
}

/** An open amount split into what is disputed and what still follows the calendar. */
export function splitDisputed(openAmount: bigint, disputedAmount: bigint): { disputed: bigint; undisputed: bigint } {
  const disputed = disputedAmount <= 0n ? 0n : disputedAmount >= openAmount ? openAmount : disputedAmount;
  return { disputed, undisputed: openAmount - disputed };
}

export interface Aging {
  /** One amount per bucket: [not due, 1-30, 31-60, 61-90, over 90] with the default edges. */
  buckets: bigint[];
  disputed: bigint;
  /** Open credit notes and unallocated payments (a positive number, subtracted from the balance). */
  credits: bigint;
  /** Undisputed amounts past due. */
  overdue: bigint;
  /** Everything owed: buckets + disputed - credits. */
  balance: bigint;
}

/** Days past due as of a date: 0 on the due date, 1 the day after. */
export function daysPastDue(dueDate: CalendarDate, asOf: CalendarDate): number {
  return daysBetween(dueDate, asOf);
}

/** Index of the bucket for this many days past due: 0 = not due (0 or fewer days), then one per edge. */
export function bucketOf(days: number, edges: readonly number[]): number {
  if (days <= 0) return 0;
  for (let i = 0; i < edges.length; i++) if (days <= (edges[i] as number)) return i + 1;
  return edges.length + 1;
}

/**
 * The buckets' names in the language of `locale`: "not due", "1-30", …, "over 90" ("non échu", …, "plus de 90").
 * English unless told: the digest's view model (digest.ts) is not migrated to the catalogues yet.
 */
export function bucketLabels(edges: readonly number[], locale = "en-GB"): string[] {
  const labels = [t(locale, "aging.notDue")];
  let from = 1;
  for (const edge of edges) {
    labels.push(`${from}-${edge}`);
    from = edge + 1;
  }
  labels.push(t(locale, "aging.over", { days: edges[edges.length - 1] ?? 0 }));
  return labels;
}

export function emptyAging(edges: readonly number[]): Aging {
  return { buckets: new Array<bigint>(edges.length + 2).fill(0n), disputed: 0n, credits: 0n, overdue: 0n, balance: 0n };
}

export function ageItems(items: Iterable<AgingItem>, credits: bigint, asOf: CalendarDate, edges: readonly number[]): Aging {
  const aging = emptyAging(edges);
  for (const item of items) {
    if (item.openAmount <= 0n) continue;
    const { disputed, undisputed } = splitDisputed(item.openAmount, item.disputedAmount);
    aging.disputed += disputed;
    if (undisputed === 0n) continue;
    const bucket = bucketOf(daysPastDue(item.dueDate, asOf), edges);
    aging.buckets[bucket] = (aging.buckets[bucket] as bigint) + undisputed;
  }
  return finishAging(aging, credits);
}

/** Fills overdue and balance from buckets, disputed and credits. */
export function finishAging(aging: Aging, credits: bigint): Aging {
  const overdue = aging.buckets.slice(1).reduce((a, b) => a + b, 0n);
  const owed = aging.buckets.reduce((a, b) => a + b, 0n) + aging.disputed;
  return { buckets: aging.buckets, disputed: aging.disputed, credits, overdue, balance: owed - credits };
}

export function addAging(a: Aging, b: Aging): Aging {
  return {
    buckets: a.buckets.map((v, i) => v + (b.buckets[i] ?? 0n)),
    disputed: a.disputed + b.disputed,
    credits: a.credits + b.credits,
    overdue: a.overdue + b.overdue,
    balance: a.balance + b.balance,
  };
}

/** Change per bucket since a previous aged balance (e.g. last week's snapshot). */
export function agingChange(current: Aging, previous: Aging | null): bigint[] | null {
  if (previous === null) return null;
  return current.buckets.map((v, i) => v - (previous.buckets[i] ?? 0n));
}
