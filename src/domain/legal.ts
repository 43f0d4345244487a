// The legal regime of a customer's debts, a property of its segment in the policy. Two regimes:
// - "commercial": private B2B (Code de commerce L441-10 and D441-5): interest at the ECB rate + 10 points,
//   the ECB rate of each half-year applying to the days of that half-year; 40 EUR per invoice; the supplier
//   may stop deliveries and goes to the commercial court.
// - "public-procurement": public bodies (Code de la commande publique L2192-10 ff., R2192-10 ff.,
//   R2192-31 ff.): interest at the ECB rate in force on the first day of the half-year in which interest
//   began to run + 8 points, for the whole delay; 40 EUR per invoice; the legal payment period depends on
//   the kind of body; letters go to the authorising officer (ordonnateur) with a copy to the public
//   accountant (comptable public); escalation is a request for mandatement d'office or the administrative
//   judge, never stopping supplies.
// Sources, with articles and dates: docs/legal.md.

export const LEGAL_REGIMES = ["commercial", "public-procurement"] as const;
export type LegalRegime = (typeof LEGAL_REGIMES)[number];

export interface RegimeRules {
  regime: LegalRegime;
  /** Points added to the ECB main refinancing rate. */
  marginPoints: number;
  /**
   * "each-half-year": every day takes the ECB rate of its own half-year (L441-10 II Code de commerce);
   * "start-half-year": the rate of the half-year in which interest began to run, for the whole delay
   * (R2192-31 Code de la commande publique).
   */
  rateReference: "each-half-year" | "start-half-year";
  /** Flat recovery indemnity per invoice paid late, minor units. */
  indemnityMinor: bigint;
  /** May the supplier propose to stop deliveries? Never to a public body. */
  deliveryBlock: boolean;
  /** Articles cited in letters and reasons. */
  interestArticle: string;
  indemnityArticle: string;
}

export const REGIMES: Readonly<Record<LegalRegime, RegimeRules>> = {
  commercial: {
    regime: "commercial",
    marginPoints: 10,
    rateReference: "each-half-year",
    indemnityMinor: 4000n,
    deliveryBlock: true,
    interestArticle: "L441-10 Code de commerce",
    indemnityArticle: "D441-5 Code de commerce",
  },
  "public-procurement": {
    regime: "public-procurement",
    marginPoints: 8,
    rateReference: "start-half-year",
    indemnityMinor: 4000n,
    deliveryBlock: false,
    interestArticle: "L2192-13 et R2192-31 Code de la commande publique",
    indemnityArticle: "L2192-13 et D2192-35 Code de la commande publique",
  },
};

export function regimeRules(regime: LegalRegime): RegimeRules {
  return REGIMES[regime];
}

/** Kinds of public bodies whose legal payment period differs (R2192-10 and R2192-11). */
export const PUBLIC_BODY_KINDS = ["state", "local-authority", "health-establishment", "public-company"] as const;
export type PublicBodyKind = (typeof PUBLIC_BODY_KINDS)[number];

/** The legal maximum payment period, in days from receipt of the payment request, by kind of public body. */
export const PUBLIC_PAYMENT_PERIOD_DAYS: Readonly<Record<PublicBodyKind, { days: number; article: string }>> = {
  // R2192-10: the State, its public establishments other than industrial and commercial ones, local
  // authorities and their public establishments.
  state: { days: 30, article: "R2192-10" },
  "local-authority": { days: 30, article: "R2192-10" },
  // R2192-11 1°: public health establishments and the armed forces' health service establishments.
  "health-establishment": { days: 50, article: "R2192-11 1°" },
  // R2192-11 2°: public companies (ordonnance 2004-503, art. 1 II), except local public establishments.
  "public-company": { days: 60, article: "R2192-11 2°" },
};
