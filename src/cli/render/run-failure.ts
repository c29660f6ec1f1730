import { tr, type Text } from '../../i18n/lang.js';
import { marks, style } from '../../ui/style.js';

/** What `de-lab run` says when the program failed: the exit code, what to do, where the output is. */
export function runFailureLines(exitCode: number, known: { message: Text } | undefined, logFile: string): string[] {
  return [
    '',
    `${style.fail(marks.fail)} ${tr({ en: `Your program exited with code ${exitCode}.`, ko: `프로그램이 종료 코드 ${exitCode}로 끝났습니다.` })} ${known ? tr(known.message) : tr({ en: 'Read the error above, fix your file, then run it again.', ko: '위의 오류를 읽고 파일을 고친 뒤 다시 실행하세요.' })}`,
    style.dim(tr({ en: `  The output is kept in ${logFile}.`, ko: `  출력은 ${logFile}에 남겨 두었습니다.` })),
  ];
}
