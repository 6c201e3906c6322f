/**
 * Removes secrets (the API key, header values, credentials in a base URL) from any text that may leave
 * the client: error messages, server error bodies that echo the key back, connection error causes,
 * printed endpoints, the spec written to study.json and events. The one place secrets are cut out.
 */
const MIN_SECRET_LENGTH = 6;

export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: readonly (string | undefined)[]) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let out = redactUrlCredentials(text);
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}

/** `user:pass@` of any URL in `text`, as `***@`: `http://user:pass@host/v1` -> `http://***@host/v1`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, '$1***@');
}

/** Header names with every value hidden: what may be shown or persisted of `llm.headers`. */
export function redactHeaderValues(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '***']));
}
