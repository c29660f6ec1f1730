import type { LearnerFiles, SimilarPair, SimilarityReport, Span } from '../similarity/model.js';
import { card, esc, page } from './html.js';

/** Pairs shown side by side; the rest are listed in the table only. */
const SIDE_BY_SIDE = 50;

const LOCAL_CSS = `<style>
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}.sbs pre{margin:.2rem 0;white-space:pre;overflow:auto}
.ln{color:#8c959f;user-select:none;display:inline-block;min-width:2.5rem}mark.match{background:#ffe08a;display:block}
.advice{border-left:4px solid #d4a72c;padding:.3rem .8rem;background:#fff8c5}
</style>`;

const marked = (spans: Span[], file: string) => {
  const set = new Set<number>();
  for (const s of spans) if (s.file === file) for (let n = s.from; n <= s.to; n++) set.add(n);
  return set;
};

/** One side of a pair: every declared file, matching lines in <mark class="match">. */
function side(files: LearnerFiles | undefined, spans: Span[]): string {
  if (!files) return '<p class="muted">(files not readable)</p>';
  return files.files
    .map(({ file, lines }) => {
      const hits = marked(spans, file);
      const body = lines
        .map((line, i) => {
          const text = `<span class="ln">${i + 1}</span>${esc(line)}`;
          return hits.has(i + 1) ? `<mark class="match" data-line="${i + 1}">${text}</mark>` : `${text}\n`;
        })
        .join('');
      return `<b>${esc(file)}</b><pre>${body}</pre>`;
    })
    .join('');
}

function pairSection(pair: SimilarPair, index: number, texts: Map<string, LearnerFiles>): string {
  const left = pair.fragments.flatMap((f) => f.left);
  const right = pair.fragments.flatMap((f) => f.right);
  return `<h2 id="pair-${index + 1}">${index + 1}. ${esc(pair.exercise)}: ${esc(pair.left)} ↔ ${esc(pair.right)} <span class="muted">${Math.round(pair.similarity * 100)} %</span></h2>
<div class="sbs" data-pair="${esc(pair.left)}|${esc(pair.right)}"><div><h3>${esc(pair.left)}</h3>${side(texts.get(`${pair.exercise}/${pair.left}`), left)}</div><div><h3>${esc(pair.right)}</h3>${side(texts.get(`${pair.exercise}/${pair.right}`), right)}</div></div>`;
}

/** similarity.html: advice for the instructor (never a score), pairs most similar first. */
export function similarityHtml(report: SimilarityReport, texts: Map<string, LearnerFiles>): string {
  const head = `<h1>${esc(report.day)} — similarity across learners</h1>
<p class="advice">Advice for the instructor, never a score: similar work can have an honest cause (pair study, a shared hint). Starter code, the reference solution and lines in them are left out. Read the marked lines before you ask.</p>
<div class="cards">${card('learners', report.learners)}${card(`pairs ≥ ${Math.round(report.threshold * 100)} %`, report.pairs.length)}${card('identical files', report.identicalFiles.length)}${card('shared literals', report.sharedLiterals.length)}</div>`;
  const rows = report.pairs
    .map(
      (p, i) =>
        `<tr><td class="num">${i + 1}</td><td>${esc(p.exercise)}</td><td>${i < SIDE_BY_SIDE ? `<a href="#pair-${i + 1}">${esc(p.left)} ↔ ${esc(p.right)}</a>` : `${esc(p.left)} ↔ ${esc(p.right)}`}</td><td class="num">${Math.round(p.similarity * 100)} %</td><td class="num">${p.longest}</td></tr>`,
    )
    .join('\n');
  const table = `<h2>Similar pairs</h2>${report.pairs.length === 0 ? '<p class="muted">No pair at or above the threshold.</p>' : `<table id="pairs"><thead><tr><th class="num">#</th><th>exercise</th><th>pair</th><th class="num">similarity</th><th class="num">longest run</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}`;
  const identical = `<h2>Identical files</h2>${
    report.identicalFiles.length === 0
      ? '<p class="muted">None.</p>'
      : `<table><thead><tr><th>exercise</th><th>file</th><th>learners</th><th>sha256</th></tr></thead><tbody>${report.identicalFiles
          .map(
            (f) =>
              `<tr><td>${esc(f.exercise)}</td><td>${esc(f.file)}</td><td>${esc(f.learners.join(', '))}</td><td class="muted">${esc(f.sha256.slice(0, 12))}</td></tr>`,
          )
          .join('')}</tbody></table>`
  }`;
  const literals = `<h2>Shared literals</h2><p class="muted">Numbers and quoted texts that a few learners wrote and that appear nowhere in the exercise's own material.</p>${
    report.sharedLiterals.length === 0
      ? '<p class="muted">None.</p>'
      : `<table><thead><tr><th>exercise</th><th>literal</th><th>learners</th></tr></thead><tbody>${report.sharedLiterals
          .map(
            (l) =>
              `<tr><td>${esc(l.exercise)}</td><td><code>${esc(l.literal.slice(0, 200))}</code></td><td>${esc(l.learners.join(', '))}</td></tr>`,
          )
          .join('')}</tbody></table>`
  }`;
  const sections = report.pairs
    .slice(0, SIDE_BY_SIDE)
    .map((p, i) => pairSection(p, i, texts))
    .join('\n');
  return page(
    `${report.day} similarity`,
    `${LOCAL_CSS}${head}${table}${identical}${literals}${sections}<footer>de-lab similarity report, ${esc(report.generatedAt)}; matching by Dolos's winnowing (dolos-core).</footer>`,
  );
}
