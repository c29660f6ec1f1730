import type { ClassFile } from './class-file.js';
import { lateness } from './late.js';
import type { GradeResults, LearnerResult } from './model.js';

/** The learner's result with its lateness for the day, when the class file has a deadline for it. */
export function withLateness(result: LearnerResult, day: string, classFile: ClassFile | undefined): LearnerResult {
  const { late: _stale, ...rest } = result;
  const deadline = classFile?.deadlines[day];
  const submitted = result.submission.submittedAt;
  if (!deadline || !submitted) return rest;
  return {
    ...rest,
    late: lateness({ learner: result.learner, day, deadline, submitted, policy: classFile.late }),
  };
}

/** What results.json keeps of the class file: its path, the learners, the day's deadline. */
export function classSummary(classFile: ClassFile, day: string): NonNullable<GradeResults['class']> {
  const deadline = classFile.deadlines[day];
  return { file: classFile.file, learners: classFile.learners, ...(deadline ? { deadline } : {}) };
}
