/**
 * Requests to the extension host and their answers: each request gets a fresh id, and the response
 * with that id (`<method>/response`) settles its promise. A host that never answers (e.g. an older
 * extension) leaves the promise pending, so callers show "loading" rather than block.
 */
import type { IpcResponse, PanelRequest, PanelRequestMethod, PanelRequests } from '../src/protocol';

interface Pending {
  readonly method: PanelRequestMethod;
  /** Settles the caller's promise; the closure knows the result type of its own method. */
  settle(response: IpcResponse<string, unknown>): void;
}

export class HostRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: <M extends PanelRequestMethod>(message: PanelRequest<M>) => void) {}

  request<M extends PanelRequestMethod>(method: M, params: PanelRequests[M]['params']): Promise<PanelRequests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const settle = (response: IpcResponse<string, unknown>) => {
        if (typeof response.error === 'string') reject(new Error(response.error));
        // The host answers `${M}/response` with PanelRequests[M]['result'] (protocol.ts); JSON loses the type.
        else resolve(response.result as PanelRequests[M]['result']);
      };
      this.pending.set(id, { method, settle });
      const message: PanelRequest<M> = { method, id, params };
      this.post(message);
    });
  }

  /** Settles the request a response answers; false when the message is not a response we wait for. */
  receive(message: unknown): boolean {
    if (!isResponse(message)) return false;
    const pending = this.pending.get(message.id);
    if (!pending || `${pending.method}/response` !== message.method) return false;
    this.pending.delete(message.id);
    pending.settle(message);
    return true;
  }
}

function isResponse(value: unknown): value is IpcResponse<string, unknown> {
  if (typeof value !== 'object' || value === null || !('method' in value) || !('id' in value)) return false;
  return typeof value.method === 'string' && value.method.endsWith('/response') && typeof value.id === 'number';
}
