import stringWidth from 'string-width';
import { esc } from './html.js';

/** Inline SVG charts for the class report: plain shapes and text, readable without CSS or script. */

export function histogram(bins: Array<{ from: number; to: number; count: number }>, title: string): string {
  const width = 560;
  const height = 220;
  const left = 36;
  const bottom = 30;
  const top = 16;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const slot = (width - left - 8) / Math.max(1, bins.length);
  const plot = height - bottom - top;
  const bars = bins
    .map((bin, i) => {
      const h = (bin.count / max) * plot;
      const x = left + i * slot + 3;
      const y = top + plot - h;
      const label = `${bin.from === bin.to ? `${bin.from}%` : `${bin.from}% to under ${bin.to}%`}: ${bin.count}`;
      return (
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot - 6).toFixed(1)}" height="${h.toFixed(1)}" fill="#0969da"><title>${esc(label)}</title></rect>` +
        (bin.count > 0
          ? `<text x="${(x + (slot - 6) / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle">${bin.count}</text>`
          : '') +
        `<text x="${(x + (slot - 6) / 2).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle">${bin.from}</text>`
      );
    })
    .join('');
  const axis = `<line x1="${left}" y1="${top + plot}" x2="${width - 4}" y2="${top + plot}" stroke="#8c959f"/><text x="${width - 4}" y="${height - 2}" text-anchor="end">% of the maximum score</text><text x="4" y="${top + 4}">${max}</text><text x="4" y="${top + plot}">0</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${esc(title)}</title>${axis}${bars}</svg>`;
}

/** Pixels per terminal column of the report's 13 px sans-serif text (wide characters count two columns). */
const PX_PER_COLUMN = 7.5;
const MAX_LABEL_COLUMNS = 60;

/** A label cut to `columns` terminal columns (Hangul counts two), with … when cut. */
export function fitLabel(label: string, columns = MAX_LABEL_COLUMNS): string {
  if (stringWidth(label) <= columns) return label;
  let cut = '';
  for (const char of label) {
    if (stringWidth(cut + char) > columns - 1) break;
    cut += char;
  }
  return `${cut}…`;
}

/** One horizontal bar per item, 0–100 %; the label column is as wide as the longest label, so none is clipped. */
export function rateBars(items: Array<{ label: string; rate: number; note: string }>, title: string): string {
  const row = 22;
  const labels = items.map((item) => fitLabel(item.label));
  const labelWidth = Math.ceil(Math.max(10, ...labels.map((label) => stringWidth(label))) * PX_PER_COLUMN) + 12;
  const barWidth = 320;
  const width = labelWidth + barWidth + 90;
  const height = Math.max(1, items.length) * row + 10;
  const bars = items
    .map((item, i) => {
      const y = 5 + i * row;
      const w = Math.max(0, Math.min(1, item.rate)) * barWidth;
      const colour = item.rate >= 0.8 ? '#1a7f37' : item.rate >= 0.5 ? '#9a6700' : '#cf222e';
      const label = labels[i]!;
      return (
        `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${esc(label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="14" fill="#eaeef2"/>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="14" fill="${colour}"><title>${esc(`${item.label}: ${item.note}`)}</title></rect>` +
        `<text x="${labelWidth + barWidth + 6}" y="${y + 14}">${esc(item.note)}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${esc(title)}</title>${bars}</svg>`;
}
