// The per-check evidence of the HTML report: a check's collapsible item, its facts, expected/actual, notes and exchanges.
import type { CheckResult, Exchange, RecordedRequest, RecordedResponse } from '../harness/model.js';
import { block, escapeHtml, firstLine, formatDuration, Ids, MAX_BLOCK_CHARS, MAX_HEADER_CHARS, MAX_SUMMARY_MESSAGE_CHARS, STATUS_LABEL, truncate } from './html-text.js';

function headerTable(headers: Record<string, string> | undefined): string {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return '<p class="nobody">No headers recorded.</p>';
  const rows = entries.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(truncate(String(v), MAX_HEADER_CHARS))}</td></tr>`).join('');
  return `<details class="hdrs"><summary>Headers (${entries.length})</summary><table class="headers"><tbody>${rows}</tbody></table></details>`;
}

function bodyBlock(body: unknown): string {
  return body === undefined || body === '' ? '<p class="nobody">No body.</p>' : block(body);
}

function requestPart(request: RecordedRequest): string {
  return `<div class="req"><h5>Request</h5>${headerTable(request.headers)}${bodyBlock(request.body)}</div>`;
}

function responsePart(response: RecordedResponse | undefined, error: string | undefined): string {
  if (!response) return `<div class="res"><h5>Response</h5><p class="nobody">No response${error ? ' (see the error above)' : ''}.</p></div>`;
  return `<div class="res"><h5>Response</h5>${headerTable(response.headers)}${bodyBlock(response.body)}</div>`;
}

function exchangeItem(x: Exchange): string {
  const status = x.response ? x.response.status : undefined;
  const statusClass = status === undefined ? 'none' : `s${String(status)[0]}`;
  const direction = x.direction === 'inbound' ? '← inbound (target to harness)' : '→ outbound (harness to target)';
  return [
    '<li class="exchange">',
    '<div class="xline">',
    `<span class="dir">${direction}</span>`,
    x.label ? `<span class="label">${escapeHtml(x.label)}</span>` : '',
    `<code class="method">${escapeHtml(x.request.method)}</code>`,
    `<code class="url">${escapeHtml(truncate(x.request.url, MAX_HEADER_CHARS))}</code>`,
    `<span class="http ${statusClass}">${status === undefined ? 'no answer' : escapeHtml(status)}</span>`,
    x.response ? `<span class="dur">${escapeHtml(formatDuration(x.response.durationMs))}</span>` : '',
    '</div>',
    x.error ? `<p class="xerror">Error: ${escapeHtml(truncate(x.error, MAX_HEADER_CHARS))}</p>` : '',
    `<div class="xparts">${requestPart(x.request)}${responsePart(x.response, x.error)}</div>`,
    '</li>',
  ].join('');
}

function evidence(check: CheckResult, anchor: string): string {
  const parts: string[] = ['<div class="evidence">'];
  const message = check.message ?? '';
  if (message && (message.includes('\n') || message.length > MAX_SUMMARY_MESSAGE_CHARS)) {
    parts.push('<h4>Message</h4>', block(message, check.status === 'passed' ? '' : 'message'));
  }
  parts.push(
    '<dl class="facts">',
    `<dt>Requirement</dt><dd>${escapeHtml(check.requirement)}</dd>`,
    `<dt>Severity</dt><dd>${escapeHtml(check.severity)}</dd>`,
    `<dt>Status</dt><dd>${STATUS_LABEL[check.status] ?? escapeHtml(check.status)}</dd>`,
    `<dt>Duration</dt><dd>${escapeHtml(formatDuration(check.durationMs))}</dd>`,
    '</dl>',
  );
  if (check.waived) parts.push(`<p class="waiver"><strong>Waived:</strong> ${escapeHtml(check.waived)} (known defects of the contract, listed below); the status above judges the rest.</p>`);
  const ev = check.evidence ?? { exchanges: [] };
  if (ev.expected !== undefined || ev.actual !== undefined) {
    parts.push(
      '<h4>Expected and actual</h4><div class="cmp">',
      `<div><h5>Expected</h5>${ev.expected === undefined ? '<p class="nobody">Not recorded.</p>' : block(ev.expected)}</div>`,
      `<div><h5>Actual</h5>${ev.actual === undefined ? '<p class="nobody">Not recorded.</p>' : block(ev.actual)}</div>`,
      '</div>',
    );
  }
  const notes = ev.notes ?? [];
  const waivers = notes.filter((n) => n.startsWith('waived: ')).map((n) => n.slice('waived: '.length));
  const plain = notes.filter((n) => !n.startsWith('waived: '));
  if (plain.length) parts.push('<h4>Notes</h4><ul class="notes">', ...plain.map((n) => `<li>${escapeHtml(truncate(n, MAX_BLOCK_CHARS))}</li>`), '</ul>');
  if (waivers.length) parts.push('<h4>Waivers</h4><ul class="waivers">', ...waivers.map((n) => `<li>${escapeHtml(truncate(n, MAX_BLOCK_CHARS))}</li>`), '</ul>');
  const exchanges = ev.exchanges ?? [];
  parts.push(`<h4>Exchanges (${exchanges.length})</h4>`);
  if (exchanges.length) parts.push('<ol class="exchanges">', ...exchanges.map(exchangeItem), '</ol>');
  else parts.push('<p class="nobody">No exchanges recorded.</p>');
  parts.push(`<p class="permalink"><a href="#${escapeHtml(anchor)}">Link to this check</a></p>`, '</div>');
  return parts.join('');
}

export function checkItem(check: CheckResult, ids: Ids): string {
  const id = ids.take(`check-${check.id}`);
  const message = check.message ? firstLine(check.message, MAX_SUMMARY_MESSAGE_CHARS) : '';
  const label = STATUS_LABEL[check.status] ?? escapeHtml(check.status);
  return [
    `<details class="check" data-status="${escapeHtml(check.status)}" data-severity="${escapeHtml(check.severity)}"${check.waived ? ' data-waived="true"' : ''} id="${escapeHtml(id)}">`,
    '<summary>',
    '<span class="twisty" aria-hidden="true">▶</span>',
    `<span class="pill ${escapeHtml(check.status)}">${label}</span>`,
    `<span class="cid">${escapeHtml(check.id)}</span>`,
    `<h3 class="title">${escapeHtml(check.title)}</h3>`,
    `<span class="badges"><span class="sev ${escapeHtml(check.severity)}" title="severity">${escapeHtml(check.severity)}</span>${check.waived ? '<span class="waived-badge">WAIVED</span>' : ''}</span>`,
    `<span class="sub">${escapeHtml(check.requirement)}</span>`,
    message ? `<span class="msg">${escapeHtml(message)}</span>` : '',
    '</summary>',
    evidence(check, id),
    '</details>',
  ].join('');
}
