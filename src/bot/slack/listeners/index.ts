// Every Slack surface the bot answers, with the capability it needs (src/domain/access.ts): the gate runs
// before the listener, so an unregistered person, or a role that may not, never reaches one.
import type { App } from "@slack/bolt";
import {
  ACTION_IDS,
  BATCH_APPROVE,
  COMMENT_MODAL,
  DISPUTE_MODAL,
  EVIDENCE_BUTTON,
  PROMISE_BUTTON,
  PROMISE_MODAL,
  SHOW_MORE,
  TASK_OUTCOME,
} from "../blocks.js";
import type { ListenerDeps } from "../deps.js";
import { gate, gateView } from "../trust.js";
import { batchVoteButton } from "./actions/batchVote.js";
import { commentButton } from "./actions/comment.js";
import { showMoreButton } from "./actions/showMore.js";
import { evidenceButton } from "./actions/evidence.js";
import { promiseButton } from "./actions/promise.js";
import { paymentPlanButton } from "./actions/paymentPlan.js";
import { PLAN_BUTTON, PLAN_MODAL } from "../planBlocks.js";
import { taskOutcomeButton } from "./actions/taskOutcome.js";
import { EMAIL_EDIT_BUTTON, EMAIL_EDIT_MODAL, EMAIL_SEND_BUTTON, LETTER_SENT_BUTTON, LETTER_SENT_MODAL } from "../mailBlocks.js";
import { emailEditButton, emailSendButton } from "./actions/emailSend.js";
import { letterSentButton } from "./actions/letterSent.js";
import { CONTACT_FIX_BUTTON, CONTACT_FIX_MODAL } from "../contactBlocks.js";
import { contactFixButton } from "./actions/contactFix.js";
import { contactFixForm } from "./views/contactFixForm.js";
import { emailEditForm } from "./views/emailEditForm.js";
import { letterSentForm } from "./views/letterSentForm.js";
import { voteButton } from "./actions/vote.js";
import { creditCommand } from "./commands/credit.js";
import { disputeCommand } from "./commands/dispute.js";
import { appHomeOpened } from "./events/appHome.js";
import { threadMessage } from "./events/threadMessage.js";
import { commentForm } from "./views/commentForm.js";
import { disputeForm } from "./views/disputeForm.js";
import { promiseForm } from "./views/promiseForm.js";
import { paymentPlanForm } from "./views/paymentPlanForm.js";

export function registerListeners(app: App, deps: ListenerDeps): void {
  // Slash commands
  app.command("/credit", gate("read-accounts"), creditCommand(deps));
  // Settling a dispute is checked again by the use case (finance or back office), which names the person.
  app.command("/dispute", gate("flag-dispute"), disputeCommand(deps));

  // Buttons
  app.action(ACTION_IDS.approve, gate("committee"), voteButton(deps, "APPROVE"));
  app.action(ACTION_IDS.reject, gate("committee"), voteButton(deps, "REJECT"));
  app.action(ACTION_IDS.comment, gate("committee"), commentButton(deps));
  app.action(new RegExp(`^${BATCH_APPROVE}:`), gate("committee"), batchVoteButton(deps));
  app.action(SHOW_MORE, gate("read-accounts"), showMoreButton(deps));
  app.action(EVIDENCE_BUTTON, gate("read-accounts"), evidenceButton(deps));
  app.action(new RegExp(`^${TASK_OUTCOME}:`), gate("read-accounts"), taskOutcomeButton(deps));
  app.action(PROMISE_BUTTON, gate("read-accounts"), promiseButton(deps));
  app.action(PLAN_BUTTON, gate("work-tasks"), paymentPlanButton(deps));
  // E-mail reminders the policy proposes, and the registered letter of a formal notice (docs/email.md).
  app.action(EMAIL_SEND_BUTTON, gate("work-tasks"), emailSendButton(deps));
  app.action(EMAIL_EDIT_BUTTON, gate("work-tasks"), emailEditButton(deps));
  app.action(LETTER_SENT_BUTTON, gate("work-tasks"), letterSentButton(deps));
  app.action(CONTACT_FIX_BUTTON, gate("work-tasks"), contactFixButton(deps));

  // Modals: a refusal is shown on the named field
  app.view(DISPUTE_MODAL, gateView("flag-dispute", "invoice"), disputeForm(deps));
  app.view(COMMENT_MODAL, gateView("committee", "comment"), commentForm(deps));
  app.view(PROMISE_MODAL, gateView("read-accounts", "amount"), promiseForm(deps));
  app.view(PLAN_MODAL, gateView("work-tasks", "instalments"), paymentPlanForm(deps));
  app.view(EMAIL_EDIT_MODAL, gateView("work-tasks", "subject"), emailEditForm(deps));
  app.view(LETTER_SENT_MODAL, gateView("work-tasks", "tracking"), letterSentForm(deps));
  app.view(CONTACT_FIX_MODAL, gateView("work-tasks", "email"), contactFixForm(deps));

  // Events: App Home shows an unregistered person the refusal only; thread messages are recorded, not answered.
  app.event("app_home_opened", appHomeOpened(deps));
  app.event("message", threadMessage(deps));
}
