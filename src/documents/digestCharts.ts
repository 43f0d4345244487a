// The two charts of the weekly digest: the aged balance against last week, and DSO over 12 months, titles,
// bucket names and legends in the company's language.
import type { Database } from "../db/database.js";
import { bucketLabels } from "../domain/aging.js";
import type { Digest } from "../domain/digest.js";
import { countbackDso, simpleDso } from "../domain/kpis.js";
import type { Policy } from "../domain/policy.js";
import { t } from "../i18n/index.js";
import { kpiSeries } from "../services/committeeViews.js";
import { agingChart, dsoChart } from "./charts.js";

export async function digestCharts(
  db: Database,
  policy: Policy,
  digest: Digest,
  drawn?: { aging: string[]; dso: string[] },
): Promise<{ aging: Buffer; dso: Buffer }> {
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
  const locale = digest.locale;
  return {
    aging: await agingChart(
      {
        title: t(locale, "chart.agingTitle", { period: digest.period, currency: digest.currency }),
        labels: bucketLabels(policy.agingBuckets, locale),
        current: digest.totals.buckets,
        previous,
        formatAmount: (major) => t(locale, "chart.thousands", { amount: thousands.format(major / 1000) }),
        locale,
      },
      drawn?.aging,
    ),
    dso: await dsoChart({ title: t(locale, "chart.dsoTitle"), months: series, locale }, drawn?.dso),
  };
}
