import type { Text } from '../i18n/lang.js';

/** A known failure of a learner's program: what to look for, and the one sentence that says what to do. */
export interface FailureSignature {
  id: string;
  /** A regular expression (multiline) over the program's output. */
  match?: string;
  /** The program's exit code; with `match`, both must hold. */
  exitCode?: number;
  message: Text;
}

/**
 * de-lab's own table, tried after a lab's `failures:` (lab.yaml). Order matters: the first match
 * wins, so specific signatures come before general ones (a missing topic before "cannot connect").
 */
export const defaultFailureSignatures: FailureSignature[] = [
  {
    id: 'kafka-missing-topic',
    match: 'UnknownTopicOrPartitionException|UNKNOWN_TOPIC_OR_PARTITION|not present in metadata',
    message: {
      en: "The Kafka topic your program reads does not exist yet: produce the day's data with `de-lab gen {day}`, then `de-lab run {day} {exercise}` again.",
      ko: '프로그램이 읽는 Kafka 토픽이 아직 없습니다. `de-lab gen {day}`로 데이터를 만든 뒤 `de-lab run {day} {exercise}`를 다시 실행하세요.',
    },
  },
  {
    id: 'lost-checkpoint',
    match: 'Some data may have been lost|failOnDataLoss',
    message: {
      en: 'The checkpoint remembers Kafka offsets that no longer exist (the topic was recreated or purged): move the checkpoint folder in {dir} aside (e.g. `mv {dir}/checkpoint {dir}/checkpoint.old`), then `de-lab run {day} {exercise}` again.',
      ko: '체크포인트가 더는 없는 Kafka 오프셋을 기억하고 있습니다(토픽을 다시 만들었거나 지움). {dir}의 체크포인트 폴더를 옮긴 뒤(예: `mv {dir}/checkpoint {dir}/checkpoint.old`) `de-lab run {day} {exercise}`를 다시 실행하세요.',
    },
  },
  {
    id: 'out-of-memory',
    match: 'java\\.lang\\.OutOfMemoryError|MemoryError|Killed\\s*$',
    message: {
      en: 'Your program ran out of memory: process less at a time (fewer partitions cached, no collect() of big data), and stop other days you do not need (`de-lab status` shows memory per service).',
      ko: '프로그램의 메모리가 부족했습니다. 한 번에 처리하는 양을 줄이고(큰 데이터를 cache나 collect()하지 않기), 쓰지 않는 다른 날의 스택을 멈추세요(`de-lab status`에서 서비스별 메모리 확인).',
    },
  },
  {
    id: 'killed-137',
    exitCode: 137,
    message: {
      en: 'Your program was killed (exit 137), most likely for using more memory than its container may: process less at a time, and see `de-lab status {day}` for memory per service.',
      ko: '프로그램이 강제 종료되었습니다(exit 137). 컨테이너가 허용하는 것보다 메모리를 많이 쓴 경우가 대부분입니다. 한 번에 처리하는 양을 줄이고 `de-lab status {day}`로 서비스별 메모리를 보세요.',
    },
  },
  {
    id: 'python-syntax',
    match: '^\\s*(SyntaxError|IndentationError|TabError):',
    message: {
      en: 'Python could not read your program: fix the line the {error} above points at in {file}, then `de-lab run {day} {exercise}` again.',
      ko: 'Python이 프로그램을 읽지 못했습니다. 위의 {error}가 가리키는 {file}의 줄을 고친 뒤 `de-lab run {day} {exercise}`를 다시 실행하세요.',
    },
  },
  {
    id: 'python-module-missing',
    match: "ModuleNotFoundError: No module named '([^']+)'",
    message: {
      en: 'Python has no module "{1}" in this container: use the libraries the instructions name (`de-lab exercise {day} {exercise}`), or check the spelling of the import.',
      ko: '이 컨테이너의 Python에는 "{1}" 모듈이 없습니다. 안내에 나온 라이브러리를 쓰거나(`de-lab exercise {day} {exercise}`) import 철자를 확인하세요.',
    },
  },
  {
    id: 'kafka-unreachable',
    match: 'Broker may not be available|could not be established|TimeoutException: Timed out waiting for a node',
    message: {
      en: 'Your program cannot reach Kafka: inside the stack the broker is kafka:9092 (localhost:29092 is for this machine only); `de-lab status {day}` shows whether kafka is healthy.',
      ko: '프로그램이 Kafka에 접속하지 못합니다. 스택 안에서는 kafka:9092를 써야 합니다(localhost:29092는 이 컴퓨터에서만). kafka가 정상인지 `de-lab status {day}`로 확인하세요.',
    },
  },
];

export interface RecognisedFailure {
  id: string;
  message: Text;
}

/**
 * The first signature that matches a failed run (lab's first, then de-lab's), with its message
 * filled in: {day}, {exercise}, {file}, {dir}, {error} (the matched text) and {1}… (regex groups).
 */
export function recogniseFailure(
  output: string,
  exitCode: number,
  signatures: FailureSignature[],
  vars: Record<string, string>,
): RecognisedFailure | undefined {
  if (exitCode === 0) return undefined;
  for (const signature of signatures) {
    if (signature.exitCode !== undefined && signature.exitCode !== exitCode) continue;
    let groups: string[] = [];
    if (signature.match !== undefined) {
      let found: RegExpExecArray | null;
      try {
        found = new RegExp(signature.match, 'm').exec(output);
      } catch {
        continue;
      }
      if (!found) continue;
      groups = [...found];
    }
    const fill = (text: string) =>
      text.replace(/\{(\w+)\}/g, (whole, key: string) =>
        /^\d+$/.test(key)
          ? (groups[Number(key)] ?? whole)
          : key === 'error'
            ? (groups[1] ?? groups[0] ?? whole).trim()
            : (vars[key] ?? whole),
      );
    return { id: signature.id, message: { en: fill(signature.message.en), ko: fill(signature.message.ko) } };
  }
  return undefined;
}

/** Keeps the last `limit` characters written to it: enough to recognise a failure, without holding a long run's output. */
export class OutputTail {
  private text = '';
  constructor(private readonly limit = 256 * 1024) {}
  push(chunk: Buffer | string): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.slice(-this.limit);
  }
}
