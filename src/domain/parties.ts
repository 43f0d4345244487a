// The people and the customers, in the words the product uses.
import { t } from "../i18n/index.js";

export const SEGMENTS = ["LARGE_ACCOUNT", "SME", "VERY_SMALL_BUSINESS", "PUBLIC_SECTOR"] as const;
export type Segment = (typeof SEGMENTS)[number];

export const ROLES = ["SALES", "FINANCE", "BACK_OFFICE", "COLLECTOR", "ADMIN", "VIEWER"] as const;
export type Role = (typeof ROLES)[number];

const SEGMENT_WORDS: Record<string, Segment> = {
  large_account: "LARGE_ACCOUNT",
  large: "LARGE_ACCOUNT",
  key_account: "LARGE_ACCOUNT",
  grand_compte: "LARGE_ACCOUNT",
  grands_comptes: "LARGE_ACCOUNT",
  ge: "LARGE_ACCOUNT",
  sme: "SME",
  pme: "SME",
  pmi: "SME",
  pme_pmi: "SME",
  very_small_business: "VERY_SMALL_BUSINESS",
  vsb: "VERY_SMALL_BUSINESS",
  micro: "VERY_SMALL_BUSINESS",
  tpe: "VERY_SMALL_BUSINESS",
  public_sector: "PUBLIC_SECTOR",
  public: "PUBLIC_SECTOR",
  secteur_public: "PUBLIC_SECTOR",
};

const ROLE_WORDS: Record<string, Role> = {
  sales: "SALES",
  commercial: "SALES",
  finance: "FINANCE",
  back_office: "BACK_OFFICE",
  backoffice: "BACK_OFFICE",
  adv: "BACK_OFFICE",
  collector: "COLLECTOR",
  recouvrement: "COLLECTOR",
  admin: "ADMIN",
  viewer: "VIEWER",
  lecteur: "VIEWER",
};

function key(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s/-]+/g, "_");
}

export function parseSegment(text: string): Segment | null {
  return SEGMENT_WORDS[key(text)] ?? null;
}

export function parseRole(text: string): Role | null {
  return ROLE_WORDS[key(text)] ?? null;
}

/** The segment codes an import accepts, each with its French name, as a person is told them in `locale`. */
export function segmentHelp(locale = "en-GB"): string {
  return t(locale, "domain.segment.help");
}
export const ROLE_HELP = "sales, finance, back_office, collector, admin";
