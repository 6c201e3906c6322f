/**
 * How much of a reply an `llmCall` event keeps. The parsers read the whole reply (up to the socket cap,
 * replySizeLimit.ts); the log keeps its start, with a marker saying how much was cut, so a study of
 * runaway replies still has a log that export can read.
 */

/** LLAMBO's replies are a few thousand characters; 64 K keeps any real one whole. */
export const MAX_LOGGED_REPLY_CHARS = 64 * 1024;

export function clipReplyForLog(reply: string, maxChars: number = MAX_LOGGED_REPLY_CHARS): string {
  if (reply.length <= maxChars) return reply;
  return `${reply.slice(0, maxChars)}\n[reply cut for the log: ${maxChars} of ${reply.length} characters kept]`;
}
