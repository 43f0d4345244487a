// Slack modals, built one way: the form's scaffolding (callback id, metadata, title, submit and cancel) and its
// inputs. The texts come in already said in the company's language; Slack's limits are held here (a title or a
// button 24 characters, a label 2,000, a placeholder or hint 150).
import { t } from "../../i18n/index.js";

export type Block = Record<string, unknown>;

const MAX = { title: 24, button: 24, label: 2000, placeholder: 150, hint: 2000 } as const;

const plain = (text: string, max: number) => ({ type: "plain_text", text: text.length <= max ? text : `${text.slice(0, max - 1)}…` });

/** A modal: `submit` the confirm button's words, closed by "Annuler" / "Cancel". */
export function modal(input: {
  callbackId: string;
  metadata: unknown;
  title: string;
  submit: string;
  locale: string;
  blocks: Block[];
}): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: input.callbackId,
    private_metadata: JSON.stringify(input.metadata),
    title: plain(input.title, MAX.title),
    submit: plain(input.submit, MAX.button),
    close: plain(t(input.locale, "chat.cancel"), MAX.button),
    blocks: input.blocks,
  };
}

/** A text field, its value read back as `values[blockId].value.value`. */
export function textInput(input: {
  blockId: string;
  label: string;
  multiline?: boolean;
  optional?: boolean;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
  initial?: string;
}): Block {
  return {
    type: "input",
    block_id: input.blockId,
    ...(input.optional ? { optional: true } : {}),
    label: plain(input.label, MAX.label),
    ...(input.hint ? { hint: plain(input.hint, MAX.hint) } : {}),
    element: {
      type: "plain_text_input",
      action_id: "value",
      ...(input.multiline ? { multiline: true } : {}),
      ...(input.maxLength ? { max_length: input.maxLength } : {}),
      ...(input.placeholder ? { placeholder: plain(input.placeholder, MAX.placeholder) } : {}),
      ...(input.initial ? { initial_value: input.initial } : {}),
    },
  };
}

/** Any other input element (a date picker, a select) under its label. */
export function elementInput(input: { blockId: string; label: string; element: Record<string, unknown>; optional?: boolean }): Block {
  return {
    type: "input",
    block_id: input.blockId,
    ...(input.optional ? { optional: true } : {}),
    label: plain(input.label, MAX.label),
    element: { action_id: "value", ...input.element },
  };
}
