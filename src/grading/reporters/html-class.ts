import { isAdjusted, type GradeResults } from '../grade/model.js';
import { badge, card, esc, page } from './html.js';
import { histogram, rateBars } from './svg.js';

/** Relative link from the class page to a learner's page (both in the output folder). */
export function learnerPageHref(role: string): string {
  return `learners/${encodeURIComponent(role)}.html`;
}

/** class.html: the class at a glance: counts, score distribution, pass rate per check, every learner. */
export function classHtml(results: GradeResults): string {
  const { stats } = results;
  const seed = results.courseSeed ? `course seed ${results.seed}` : 'a hidden seed';
  const head = `<h1>${esc(results.day.id)} — ${esc(results.day.title)}</h1>
<p class="muted">Graded ${esc(results.finishedAt)} with ${esc(seed)} by de-lab ${esc(results.deLab)}; maximum score ${esc(results.maxScore)}.</p>
<div class="cards">${card('learners', stats.learners)}${card('graded', stats.graded)}${card('rejected', stats.rejected)}${card('grader errors', stats.errors)}${card('mean', `${stats.mean} / ${results.maxScore}`)}${card('median', stats.median)}${card('min – max', `${stats.min} – ${stats.max}`)}</div>`;
  const distribution = `<h2>Score distribution</h2>${histogram(stats.distribution, 'Learners per band of 10 % of the maximum score, full marks apart')}`;
  const rates = `<h2>Pass rate per check</h2><p class="muted">Over the ${stats.graded} graded learners.</p>${rateBars(
    stats.checks.map((c) => ({
      label: `${c.exercise} / ${c.title}`,
      rate: c.rate,
      note: `${c.passed}/${c.total} (${Math.round(c.rate * 100)} %)`,
    })),
    'Share of graded learners that passed each check',
  )}`;
  const columns = results.exercises
    .map(
      (e) => `<th class="num" title="${esc(e.title)}">${esc(e.id)} <span class="muted">/${esc(e.maxScore)}</span></th>`,
    )
    .join('');
  const adjusted = isAdjusted(results);
  const rows = results.learners
    .map((l) => {
      const cells = results.exercises
        .map((e) => `<td class="num">${esc(l.exercises.find((x) => x.id === e.id)?.score ?? 0)}</td>`)
        .join('');
      const late = adjusted
        ? `<td class="num">${esc(l.rawScore ?? l.score)}</td><td class="num">${l.penalty ? `−${esc(l.penalty)}` : ''}${l.late?.waiver ? ` <span class="muted">waived: ${esc(l.late.waiver)}</span>` : ''}</td>`
        : '';
      return `<tr><td><a href="${esc(learnerPageHref(l.role))}">${esc(l.learner)}</a></td><td>${badge(l.status)}</td>${cells}${late}<td class="num"><b>${esc(l.score)}</b></td><td class="num">${esc(l.percent)} %</td><td class="muted">${esc(l.reason ?? '')}</td></tr>`;
    })
    .join('\n');
  const table = `<h2>Learners</h2><table><thead><tr><th>learner</th><th>status</th>${columns}${adjusted ? '<th class="num">raw</th><th class="num">late penalty</th>' : ''}<th class="num">total <span class="muted">/${esc(results.maxScore)}</span></th><th class="num">%</th><th>reason</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
  return page(
    `${results.day.id} grades`,
    `${head}\n${distribution}\n${rates}\n${table}\n<footer>results.json holds everything shown here.</footer>`,
  );
}
