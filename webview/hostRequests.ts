/**
 * Requests to the extension host and their answers: each request gets a fresh id, and the response
 * with that id (`<method>/response`) settles its promise. A host that never answers (e.g. an older
 * extension) leaves the promise pending, so callers show "loading" rather than block.
 */
import type { PanelRequests, WebviewToHostMessage } from '../src/protocol';

interface Pending {
  readonly method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class HostRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: WebviewToHostMessage) => void) {}

  request<M extends keyof PanelRequests>(method: M, params: PanelRequests[M]['params']): Promise<PanelRequests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      this.post({ method, id, params } as WebviewToHostMessage);
    });
  }

  /** Settles the request a response answers; false when the message is not a response we wait for. */
  receive(message: unknown): boolean {
    if (typeof message !== 'object' || message === null) return false;
    const { method, id, result, error } = message as { method?: unknown; id?: unknown; result?: unknown; error?: unknown };
    if (typeof method !== 'string' || !method.endsWith('/response') || typeof id !== 'number') return false;
    const pending = this.pending.get(id);
    if (!pending || `${pending.method}/response` !== method) return false;
    this.pending.delete(id);
    if (typeof error === 'string') pending.reject(new Error(error));
    else pending.resolve(result);
    return true;
  }
}
