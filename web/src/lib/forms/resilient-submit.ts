import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { notSentText } from './not-sent';

export interface ResilientSubmitOptions {
  /** The thing being sent, as the sentence starts: "Your message", "The follow". */
  what: string;
  /** True from submit until the answer is handled: the submit button is disabled meanwhile. */
  onSending(sending: boolean): void;
  /** A plain sentence when it was not sent (the page keeps the form as it was), null to clear it. */
  onNotSent(text: string | null): void;
  /** After the usual handling of an answer that arrived (redirect, success, form error). */
  onAnswered?(result: ActionResult): void | Promise<void>;
}

/**
 * use:enhance's callback for forms that must survive a lost connection
 * (issue 22, item 3): one submit at a time (a double click sends once), and
 * an answer that never came (offline) or a server failure keeps the page and
 * the typed text with a sentence saying it was not sent, instead of
 * SvelteKit's default of replacing the page with the error page. Called once
 * per form: the in-flight flag is that form's.
 */
export function resilientSubmit(options: ResilientSubmitOptions): SubmitFunction {
  let inFlight = false;
  return ({ cancel }) => {
    if (inFlight) {
      cancel();
      return;
    }
    inFlight = true;
    options.onSending(true);
    options.onNotSent(null);
    return async ({ result, update }) => {
      try {
        const notSent = notSentText(result, options.what);
        if (notSent) {
          options.onNotSent(notSent);
          return;
        }
        // Never the form's reset: a failed post keeps its text; success clears it explicitly (onAnswered).
        await update({ reset: false });
        await options.onAnswered?.(result);
      } finally {
        inFlight = false;
        options.onSending(false);
      }
    };
  };
}
