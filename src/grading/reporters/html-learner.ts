import type { GradedExercise, GradeResults, LearnerResult } from '../grade/model.js';
import { badge, card, esc, page } from './html.js';

function exerciseSection(exercise: GradedExercise): string {
  const checks = exercise.checks
    .map((c) => {
      const why = [
        c.expected ? `<div><span class="muted">expected</span> ${esc(c.expected)}</div>` : '',
        c.found ? `<div><span class="muted">found</span> ${esc(c.found)}</div>` : '',
        c.message ? `<div class="muted">${esc(c.message)}</div>` : '',
      ].join('');
      const override = c.override
        ? `<div class="override"><b>Instructor: ${esc(c.override.points)} / ${esc(c.weight)}</b> (was ${esc(c.override.was.points)}) — ${esc(c.override.comment)}</div>`
        : '';
      return `<tr><td>${badge(c.status)}</td><td>${esc(c.title)} <span class="muted">(${esc(c.id)})</span></td><td class="num">${esc(c.points)} / ${esc(c.weight)}</td><td>${c.status === 'passed' ? '' : why}${override}</td></tr>`;
    })
    .join('\n');
  const failedStep = exercise.steps.find((s) => !s.ok);
  const step = failedStep
    ? `<p>Step <b>${esc(failedStep.id)}</b> failed: ${esc(failedStep.error)}</p>${failedStep.output ? `<pre>${esc(failedStep.output)}</pre>` : ''}`
    : '';
  return `<h2>${esc(exercise.title)} <span class="muted">${esc(exercise.id)}</span> — ${esc(exercise.score)} / ${esc(exercise.maxScore)} ${badge(exercise.status)}</h2>
${exercise.reason && !failedStep ? `<p>${esc(exercise.reason)}</p>` : ''}${step}
<table><thead><tr><th></th><th>check</th><th class="num">points</th><th>details</th></tr></thead><tbody>
${checks}
</tbody></table>`;
}

function lateLine(learner: LearnerResult): string {
  const late = learner.late;
  if (!late) return '';
  if (late.daysLate === 0)
    return `<p class="muted">Submitted ${esc(late.submittedAt)}, before the deadline ${esc(late.deadline)}.</p>`;
  const cost = late.waiver
    ? `no penalty (waived: ${esc(late.waiver)})`
    : `${esc(late.percent)} % off: ${esc(learner.rawScore ?? learner.score)} − ${esc(learner.penalty ?? 0)} = ${esc(learner.score)}`;
  return `<p><b>Late:</b> submitted ${esc(late.submittedAt)}, ${esc(late.daysLate)} day(s) after the deadline ${esc(late.deadline)} (${esc(late.zone)}); ${cost}.</p>`;
}

/** learners/<role>.html: one learner's grade, check by check, to hand back to that learner. Never names a hidden seed. */
export function learnerHtml(results: GradeResults, learner: LearnerResult): string {
  const head = `<h1>${esc(learner.learner)} — ${esc(results.day.id)} ${esc(results.day.title)}</h1>
<p class="muted">Graded ${esc(learner.gradedAt)} by de-lab ${esc(results.deLab)}${results.courseSeed ? ` with the course seed ${esc(learner.seed)}` : ' with a hidden seed'}; submission ${esc(learner.submission.file)}.</p>
<div class="cards">${card('score', `${learner.score} / ${learner.maxScore}`)}${card('percent', `${learner.percent} %`)}<div class="card"><span class="muted">status</span><b>${badge(learner.status)}</b></div></div>
${lateLine(learner)}
${learner.reason ? `<p><b>${learner.status === 'rejected' ? 'Rejected' : 'Note'}:</b> ${esc(learner.reason)}</p>` : ''}
${learner.notes.length ? `<ul>${learner.notes.map((n) => `<li class="muted">${esc(n)}</li>`).join('')}</ul>` : ''}`;
  return page(
    `${learner.learner} — ${results.day.id}`,
    `${head}\n${learner.exercises.map(exerciseSection).join('\n')}\n<footer>de-lab grade report</footer>`,
  );
}
