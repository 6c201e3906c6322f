/**
 * Prompt templates: plain files the user can read and override (a file of the same name in an
 * override folder wins). `{{name}}` placeholders are filled at render time; HTML comments are notes
 * for the reader and are never sent. Unknown placeholders are rejected when the files are loaded, so
 * a typo in an override stops the study at start instead of sending broken prompts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every template and the placeholders it may use. */
export const PROMPT_VARIABLES = {
  system: [],
  'context-partial': [],
  'context-full': [],
  warmstart: ['context', 'count', 'cellWord', 'focus', 'pending'],
  sampler: ['context', 'history', 'shownCount', 'totalCount', 'hiddenNote', 'level', 'finalEpoch', 'levelCount', 'best', 'worst', 'target', 'targetNote', 'count', 'cellWord', 'focus', 'pending'],
  surrogate: ['context', 'history', 'shownCount', 'totalCount', 'level', 'levelCount', 'best', 'worst', 'candidates', 'candidateCount'],
  'surrogate-generative': ['context', 'history', 'shownCount', 'totalCount', 'level', 'gammaPercent', 'threshold', 'candidates', 'candidateCount'],
  repair: ['problems', 'count', 'cellWord', 'excluded'],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPT_VARIABLES;
export const PROMPT_NAMES = Object.keys(PROMPT_VARIABLES) as PromptName[];

export interface PromptTemplate {
  readonly name: PromptName;
  /** File the text came from, or 'inline' for overrides passed as strings. */
  readonly origin: string;
  readonly overridden: boolean;
  readonly text: string;
}

export class PromptTemplateError extends Error {
  override readonly name = 'PromptTemplateError';
}

export interface PromptSources {
  /** Folder with the shipped files; default `defaultPromptsDir()`. */
  readonly promptsDir?: string;
  /** Folder whose files override shipped files of the same name (missing files are fine). */
  readonly overridesDir?: string;
  /** Texts that override both (e.g. from a study spec or a test). */
  readonly overrides?: Partial<Record<PromptName, string>>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Loaded, validated templates. */
export class PromptTemplates {
  constructor(private readonly templates: Readonly<Record<PromptName, PromptTemplate>>) {}

  get(name: PromptName): PromptTemplate {
    return this.templates[name];
  }

  /** Template text with placeholders filled; a missing value is a programming error. */
  render(name: PromptName, values: Readonly<Record<string, string | number>>): string {
    return this.templates[name].text.replace(PLACEHOLDER, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new PromptTemplateError(`no value for {{${key}}} in prompt ${name}`);
      return String(value);
    });
  }

  /** Names of templates whose text came from an override. */
  overriddenNames(): PromptName[] {
    return PROMPT_NAMES.filter((name) => this.templates[name].overridden);
  }
}

export function loadPromptTemplates(sources: PromptSources = {}): PromptTemplates {
  const dir = sources.promptsDir ?? defaultPromptsDir();
  const loaded = {} as Record<PromptName, PromptTemplate>;
  for (const name of PROMPT_NAMES) {
    const inline = sources.overrides?.[name];
    const overrideFile = sources.overridesDir ? join(sources.overridesDir, `${name}.md`) : undefined;
    let template: PromptTemplate;
    if (inline !== undefined) {
      template = { name, origin: 'inline', overridden: true, text: cleanTemplateText(inline) };
    } else if (overrideFile && existsSync(overrideFile)) {
      template = { name, origin: overrideFile, overridden: true, text: cleanTemplateText(readFileSync(overrideFile, 'utf8')) };
    } else {
      const file = join(dir, `${name}.md`);
      if (!existsSync(file)) throw new PromptTemplateError(`prompt file missing: ${file} (the build copies src/core/llambo/prompts to dist/prompts)`);
      template = { name, origin: file, overridden: false, text: cleanTemplateText(readFileSync(file, 'utf8')) };
    }
    checkPlaceholders(template);
    loaded[name] = template;
  }
  return new PromptTemplates(loaded);
}

/**
 * The shipped prompts: `prompts/` beside the running bundle (dist/prompts), else the source folder
 * (tests run from source, where this file sits next to `prompts/`).
 */
export function defaultPromptsDir(): string {
  const candidates: string[] = [];
  if (typeof __dirname !== 'undefined') candidates.push(join(__dirname, 'prompts'));
  candidates.push(resolve(process.cwd(), 'dist', 'prompts'), resolve(process.cwd(), 'src', 'core', 'llambo', 'prompts'));
  return candidates.find((dir) => existsSync(join(dir, 'system.md'))) ?? candidates[0];
}

/** Drops HTML comments (notes for the reader) and surrounding blank lines. */
export function cleanTemplateText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/<!--[\s\S]*?-->\n?/g, '').trim();
}

function checkPlaceholders(template: PromptTemplate): void {
  const allowed: readonly string[] = PROMPT_VARIABLES[template.name];
  for (const match of template.text.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(match[1])) {
      throw new PromptTemplateError(`prompt ${template.name} (${template.origin}) uses unknown placeholder {{${match[1]}}}; ` +
        `known: ${allowed.length ? allowed.map((v) => `{{${v}}}`).join(', ') : 'none'}`);
    }
  }
}
