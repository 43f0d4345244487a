// The search message extension "Find an account": the customer file as a card to share in a conversation.
import { CARD_CONTENT_TYPE } from "../cards.js";
import { authorize, inbound, userMessage, type TeamsContext } from "../context.js";
import { customerFile } from "../views.js";

export function onAccountSearch(t: TeamsContext) {
  return async (ctx: { activity: unknown }) => {
    const a = inbound(ctx);
    const query = (a.value as { parameters?: Array<{ name?: string; value?: string }> } | undefined)?.parameters?.[0]?.value ?? "";
    try {
      await authorize(t, a, "read-accounts");
      const file = await customerFile(t, query);
      return {
        composeExtension: {
          type: "result",
          attachmentLayout: "list",
          attachments: [
            {
              contentType: CARD_CONTENT_TYPE,
              content: file.card,
              preview: { contentType: "application/vnd.microsoft.card.thumbnail", content: { title: file.text } },
            },
          ],
        },
      } as never;
    } catch (error) {
      return { composeExtension: { type: "message", text: await userMessage(t, error) } } as never;
    }
  };
}
