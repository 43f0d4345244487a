import type { HistoryOrigin } from "../db/history.js";

/** Who does something, and through which door (chat, CLI, a scheduled job). */
export interface Actor {
  personId: number | null;
  /** Shown when there is no person: "system", "import", or a chat user id not mapped to a person. */
  label?: string;
  origin: HistoryOrigin;
}

export const SYSTEM: Actor = { personId: null, label: "system", origin: "JOB" };
