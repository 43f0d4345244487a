// Flagging a dispute, from any surface (the `dispute` command, its form, the message action's dialog): the use
// case records it, the collector is told, the person gets the outcome.
import { disputeRecordedText, flagDispute } from "../../../usecases/disputes.js";
import { authorize, localeOf, type Inbound, type TeamsContext } from "../context.js";
import { notifyCollector } from "../effects.js";
import { inert } from "../text.js";

export async function disputeFlagged(t: TeamsContext, a: Inbound, input: Parameters<typeof flagDispute>[2]): Promise<string> {
  const person = await authorize(t, a, "flag-dispute");
  const dispute = await flagDispute(t.db, { personId: person.id, origin: "TEAMS" }, input, t.now());
  await notifyCollector(t, person.name, dispute, input.reason);
  return disputeRecordedText(
    { ...dispute, invoiceNumber: inert(dispute.invoiceNumber), customerName: inert(dispute.customerName) },
    input.category,
    await localeOf(t),
  );
}
