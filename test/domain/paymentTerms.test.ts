import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { dueDateFromTerms, parsePaymentTerms } from "../../src/domain/paymentTerms.js";

const ADD_THEN_EOM = "DAYS_THEN_END_OF_MONTH" as const;
const EOM_THEN_ADD = "END_OF_MONTH_THEN_DAYS" as const;

describe("payment terms -> due date", () => {
  it("30 days from 31 January lands on 1 March in a leap year and on 2 March otherwise", () => {
    expect(dueDateFromTerms(d("2024-01-31"), "30 days", ADD_THEN_EOM)).toBe("2024-03-01");
    expect(dueDateFromTerms(d("2023-01-31"), "30 days", ADD_THEN_EOM)).toBe("2023-03-02");
  });

  it("60 days from invoice date crosses the year end", () => {
    expect(dueDateFromTerms(d("2025-11-15"), "60 days from invoice date", ADD_THEN_EOM)).toBe("2026-01-14");
    expect(dueDateFromTerms(d("2025-11-15"), "60 jours date de facture", ADD_THEN_EOM)).toBe("2026-01-14");
  });

  it("45 days end of month follows the company's reading", () => {
    // +45 days = 2026-03-01, then end of month = 2026-03-31
    expect(dueDateFromTerms(d("2026-01-15"), "45 days end of month", ADD_THEN_EOM)).toBe("2026-03-31");
    // end of January = 2026-01-31, then +45 days = 2026-03-17
    expect(dueDateFromTerms(d("2026-01-15"), "45 jours fin de mois", EOM_THEN_ADD)).toBe("2026-03-17");
  });

  it("end of month in February is the 29th in a leap year", () => {
    expect(dueDateFromTerms(d("2024-02-10"), "end of month", ADD_THEN_EOM)).toBe("2024-02-29");
    expect(dueDateFromTerms(d("2023-02-10"), "fin de mois", ADD_THEN_EOM)).toBe("2023-02-28");
  });

  it("end of month + 30 always goes to the end of the month first, whatever the company rule", () => {
    expect(dueDateFromTerms(d("2024-01-20"), "end of month + 30", ADD_THEN_EOM)).toBe("2024-03-01");
    expect(dueDateFromTerms(d("2024-01-20"), "fin de mois + 30 jours", EOM_THEN_ADD)).toBe("2024-03-01");
  });

  it("30 days end of month on the 10th is the 10th of the following month", () => {
    // +30 = 2026-02-14 -> end of month 2026-02-28 -> 10 March
    expect(dueDateFromTerms(d("2026-01-15"), "30 jours fin de mois le 10", ADD_THEN_EOM)).toBe("2026-03-10");
    // December invoice rolls into next year
    expect(dueDateFromTerms(d("2025-11-20"), "30 days end of month on the 10th", ADD_THEN_EOM)).toBe("2026-01-10");
  });

  it("on receipt is the invoice date", () => {
    expect(dueDateFromTerms(d("2026-05-05"), "à réception", ADD_THEN_EOM)).toBe("2026-05-05");
    expect(dueDateFromTerms(d("2026-05-05"), "net 0", ADD_THEN_EOM)).toBe("2026-05-05");
  });

  it("rejects terms it does not understand, saying what it accepts", () => {
    const result = parsePaymentTerms("whenever you like");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('"45 days end of month"');
    expect(parsePaymentTerms("30 jours fin de mois le 45").ok).toBe(false);
  });
});
