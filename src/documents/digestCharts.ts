// The two charts of the weekly digest: the aged balance against last week, and DSO over 12 months.
import type { Database } from "../db/database.js";
import type { Digest } from "../domain/digest.js";
import { countbackDso, simpleDso } from "../domain/kpis.js";
import type { Policy } from "../domain/policy.js";
import { kpiSeries } from "../services/committeeViews.js";
import { agingChart, dsoChart } from "./charts.js";

export async function digestCharts(db: Database, policy: Policy, digest: Digest): Promise<{ aging: Buffer; dso: Buffer }> {
  const { months } = await kpiSeries(db, digest.asOf);
  const convention = {
    yearDays: policy.kpis.dsoYearDays,
    salesIncludeVat: policy.kpis.dsoSalesIncludeVat,
    vatRatePercent: policy.kpis.vatRatePercent,
  };
  const series = months
    .map((m, i) => ({ month: m.month, countback: countbackDso(months, i, convention), simple: simpleDso(months, i, convention) }))
    .slice(-12);
  const thousands = new Intl.NumberFormat(digest.locale, { maximumFractionDigits: 0 });
  const previous = digest.change ? digest.totals.buckets.map((v, i) => v - (digest.change?.[i] ?? 0n)) : null;
  const french = digest.locale.startsWith("fr");
  return {
    aging: await agingChart({
      title: `${french ? "Balance âgée" : "Aged balance"} ${digest.period} (${digest.currency})`,
      labels: digest.bucketLabels,
      current: digest.totals.buckets,
      previous,
      formatAmount: (major) => `${thousands.format(major / 1000)} k`,
    }),
    dso: await dsoChart({ title: `DSO ${french ? "sur 12 mois (jours)" : "over 12 months (days)"}`, months: series }),
  };
}
