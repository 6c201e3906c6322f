/**
 * Credentials written into a base URL (`http://user:pass@host/v1`). fetch refuses such a URL, so they
 * travel as Basic auth, as a browser would send them; and they are secrets, so redactors are told of them.
 */

/** The user name and password of a URL (raw and decoded), for a redactor's list of secrets. */
export function urlCredentials(url: string): string[] {
  try {
    const { username, password } = new URL(url);
    return [username, password, decodeURIComponent(username), decodeURIComponent(password)].filter((s) => s !== '');
  } catch {
    return [];
  }
}

/** The URL without its credentials, and the Basic authorization they make (undefined when it has none). */
export function withoutUrlCredentials(baseUrl: string): { url: string; basicAuthorization?: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { url: baseUrl };
  }
  if (!url.username && !url.password) return { url: baseUrl };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  return { url: url.toString(), basicAuthorization: `Basic ${basic}` };
}
