/**
 * Assembles the messages of one request: the system prompt, then the user prompt rendered from its
 * template with the task context of the configured level (none / partial / full).
 */
import type { ContextLevel } from './llamboOptions';
import type { ChatMessage } from './llmChat';
import type { PromptName, PromptTemplates } from './promptTemplates';

export class LlamboPrompts {
  private readonly contextText: string;

  constructor(readonly templates: PromptTemplates, readonly contextLevel: ContextLevel) {
    const parts: string[] = [];
    if (contextLevel !== 'none') parts.push(templates.render('context-partial', {}));
    if (contextLevel === 'full') parts.push(templates.render('context-full', {}));
    this.contextText = parts.filter((p) => p.length > 0).join('\n\n');
  }

  get context(): string {
    return this.contextText;
  }

  system(): string {
    return this.templates.render('system', {});
  }

  /** The user prompt of `name`; `context` is filled in here. Runs of blank lines collapse to one. */
  user(name: PromptName, values: Readonly<Record<string, string | number>>): string {
    return tidy(this.templates.render(name, { ...values, context: this.contextText }));
  }

  messages(name: PromptName, values: Readonly<Record<string, string | number>>): ChatMessage[] {
    return [
      { role: 'system', content: this.system() },
      { role: 'user', content: this.user(name, values) },
    ];
  }
}

function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
