// Text helpers of the HTML report: escaping, truncation, pretty-printing, times and durations, unique ids.
import type { CheckStatus, Summary } from '../harness/model.js';

/** Pretty-printed bodies, expected/actual values and long messages are cut here; report.json keeps the whole. */
export const MAX_BLOCK_CHARS = 16_000;
export const MAX_HEADER_CHARS = 2_000;
export const MAX_SUMMARY_MESSAGE_CHARS = 240;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;
const TO_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * Escapes text for HTML element content and quoted attribute values. Drops control characters (other than tab and
 * newlines) and shows bidirectional overrides as [U+202E] so a target cannot make text read differently than it is.
 */
export function escapeHtml(value: unknown): string {
  const text = String(value);
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(TO_ESCAPE, (c) => ESCAPES[c] ?? (BIDI.test(c) ? `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]` : ''));
}

export const STATUS_LABEL: Record<CheckStatus, string> = { passed: 'Passed', failed: 'Failed', errored: 'Errored', skipped: 'Skipped' };

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… ${text.length - max} more characters cut (report.json has the whole value)`;
}

/** A value as readable text: JSON pretty-printed (also JSON inside strings), other strings as they are. */
export function prettyValue(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

export function block(value: unknown, cls = ''): string {
  return `<pre${cls ? ` class="${cls}"` : ''}>${escapeHtml(truncate(prettyValue(value), MAX_BLOCK_CHARS))}</pre>`;
}

/** 2026-01-02 10:11:12 UTC, independent of the machine's time zone and locale. */
export function formatInstant(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return escapeHtml(iso);
  const text = new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  return `<time datetime="${escapeHtml(iso)}">${text}</time>`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** The score as a percentage of the scored checks, or n/a when nothing was scored (all skipped). */
export function percent(s: Summary): string {
  const scored = s.total - s.skipped;
  return scored > 0 ? `${(s.score * 100).toFixed(1)} %` : 'n/a';
}

export function firstLine(text: string, max: number): string {
  const line = text.split('\n', 1)[0]!;
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** HTML ids are unique per page: a second check with the same id gets a -2, -3 … suffix. */
export class Ids {
  readonly #used = new Set<string>();
  take(base: string): string {
    const clean = base.replace(/\s+/g, '_') || 'x';
    let id = clean;
    for (let n = 2; this.#used.has(id); n++) id = `${clean}-${n}`;
    this.#used.add(id);
    return id;
  }
}
