/**
 * The report as one self-contained HTML file: the chart library, the page's script and style and the
 * model's JSON are inlined, so it opens from disk with no server and no network. The text parts
 * (notes, accounting, quarantine, overview) are plain HTML, readable even without scripts; the charts
 * are drawn by TradingView's lightweight-charts from the embedded JSON.
 */

import type { AccountingLine, ReportModel } from './types.js';

/** What the file inlines besides the model: read from disk by the caller (shared/adapters/report). */
export interface ReportAssets {
  /** lightweight-charts' standalone production build (defines `window.LightweightCharts`). */
  readonly chartLibrary: string;
  readonly script: string;
  readonly style: string;
}

/** Renders the report file. */
export function renderReportHtml(model: ReportModel, assets: ReportAssets): string {
  for (const [name, text] of Object.entries(assets)) {
    if (/<\/script|<!--/i.test(text)) throw new Error(`report asset ${name} cannot be inlined in a <script>`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(model.title)}</title>
<style>${assets.style}</style>
</head>
<body>
<header>
  <h1>${esc(model.title)}</h1>
  <p class="meta">${esc(model.source)} · generated ${esc(model.generatedAt)}</p>
  ${model.notes.length ? `<ul class="notes">${model.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</header>
<main>
  <section class="market">
    <div class="pickers">
      <label>symbol <select id="symbol">${model.symbols.map((s) => option(s, s === model.defaults.symbol)).join('')}</select></label>
      <label>interval <select id="interval">${model.intervals.map((i) => option(i, i === model.defaults.interval)).join('')}</select></label>
      <span id="legend" class="legend"></span>
    </div>
    <p id="caption" class="caption"></p>
    <div id="chart" class="chart"></div>
    <p id="error" class="error" hidden></p>
  </section>
  <section class="quality">
    <h2>Data quality</h2>
    <div class="cards">
      ${card('late ticks', model.quality.lateTotal, 'all intervals and symbols')}
      ${card('duplicates', model.quality.duplicates, model.quality.duplicates === null ? 'in the run summary only' : 'dropped by trade id')}
      ${card('quarantined', model.quality.quarantine.total, 'records in the lake')}
    </div>
    <h3>Accounting identity</h3>
    ${accounting(model.quality.accounting)}
    <h3>Late ticks over time</h3>
    <div id="late-chart" class="small-chart"></div>
    <p id="late-caption" class="caption"></p>
    <h3>Quarantined records by reason</h3>
    ${quarantine(model)}
  </section>
  <section class="overview">
    <h2>Every symbol</h2>
    ${overview(model)}
  </section>
</main>
<script id="report-data" type="application/json">${jsonForScript(model)}</script>
<script>${assets.chartLibrary}</script>
<script>${assets.script}</script>
</body>
</html>
`;
}

/** JSON that cannot end its `<script>` element early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Text escaped for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function option(value: string, selected: boolean): string {
  return `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(value)}</option>`;
}

function card(label: string, value: number | null, hint: string): string {
  const text = value === null ? '—' : value.toLocaleString('en-US');
  return `<div class="card"><div class="value">${text}</div><div class="label">${esc(label)}</div><div class="hint">${esc(hint)}</div></div>`;
}

function accounting(lines: readonly AccountingLine[] | null): string {
  if (!lines)
    return '<p class="muted">No run summary given (it is written by <code>tickflow local run</code>).</p>';
  const mark = (holds: boolean | null) =>
    holds === null
      ? '<td class="na">—</td>'
      : holds
        ? '<td class="ok">holds</td>'
        : '<td class="bad">OFF</td>';
  return `<table class="accounting"><tbody>${lines
    .map((l) => `<tr><th>${esc(l.label)}</th><td>${esc(l.text)}</td>${mark(l.holds)}</tr>`)
    .join('')}</tbody></table>`;
}

function quarantine(model: ReportModel): string {
  const { groups } = model.quality.quarantine;
  if (groups.length === 0) return '<p class="muted">No quarantined records.</p>';
  return `<table><thead><tr><th>records</th><th>field</th><th>reason</th></tr></thead><tbody>${groups
    .map(
      (g) =>
        `<tr><td class="num">${g.records.toLocaleString('en-US')}</td><td>${esc(g.field ?? '')}</td><td>${esc(g.reason)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function overview(model: ReportModel): string {
  const interval = model.intervals[0] ?? '';
  const rows = model.overview.map((r) => {
    const here = r.page === model.page.number;
    const name = here
      ? `<a href="#${esc(encodeURIComponent(r.symbol))}">${esc(r.symbol)}</a>`
      : esc(r.symbol);
    const change = `${r.changePct > 0 ? '+' : ''}${r.changePct}%`;
    return `<tr${r.late > 0 ? ' class="has-late"' : ''}><td>${name}</td><td class="num">${r.bars.toLocaleString('en-US')}</td><td class="num">${r.late.toLocaleString('en-US')}</td><td class="num ${r.changePct < 0 ? 'down' : 'up'}">${change}</td><td>${iso(r.firstMs)}</td><td>${iso(r.lastMs)}</td><td class="num">${here ? 'here' : r.page}</td></tr>`;
  });
  return `<table class="overview-table"><thead><tr><th>symbol</th><th>bars (${esc(interval)})</th><th>late (${esc(interval)})</th><th>change</th><th>first bar</th><th>last bar</th><th>page</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function iso(ms: number): string {
  return ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '';
}
