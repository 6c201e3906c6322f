/**
 * Attempt timeouts a test fires itself (LlmClientOptions.timeoutTimer): each attempt's timer waits until
 * the test fires it, or until the attempt ends first and aborts it. Timers are found by the attempt's
 * messages, so a fake server can time out exactly the request it decided to hang, however busy the
 * machine is.
 */
import type { LlmClientOptions } from '../../src/core/llm/llmTypes';

/** One conversation as a string: the same key for the client's request and the body the server received. */
export const messagesKey = (messages: readonly { role: string; content: string }[]): string =>
  JSON.stringify(messages.map((m) => [m.role, m.content]));

interface PendingTimer {
  readonly key: string;
  readonly fire: () => void;
}

export interface ManualTimeouts {
  readonly timeoutTimer: NonNullable<LlmClientOptions['timeoutTimer']>;
  /** The timeoutMs of every timer started, in order. */
  readonly requested: number[];
  /** Timers still waiting. */
  readonly pending: readonly PendingTimer[];
  /** Fires the oldest waiting timer (of the attempt with these messages, when given); throws when there is none. */
  fire(messages?: readonly { role: string; content: string }[]): void;
}

export function manualTimeouts(): ManualTimeouts {
  const pending: PendingTimer[] = [];
  const requested: number[] = [];
  return {
    requested,
    pending,
    timeoutTimer: (ms, signal, request) => new Promise<void>((resolve, reject) => {
      requested.push(ms);
      const timer = { key: messagesKey(request.messages), fire: resolve };
      pending.push(timer);
      signal.addEventListener('abort', () => {
        // A fired timer has already left `pending`.
        const index = pending.indexOf(timer);
        if (index >= 0) pending.splice(index, 1);
        reject(signal.reason);
      }, { once: true });
    }),
    fire: (messages) => {
      const key = messages && messagesKey(messages);
      const index = pending.findIndex((t) => key === undefined || t.key === key);
      if (index < 0) throw new Error(`no attempt timer is waiting${key ? ` for ${key.slice(0, 80)}` : ''}`);
      const [timer] = pending.splice(index, 1);
      timer.fire();
    },
  };
}
