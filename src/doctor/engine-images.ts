import type Dockerode from 'dockerode';
import { errorMessage } from '../core/errors.js';
import type { Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { seesThisDisk } from '../stack/engines/disk.js';
import { dayImageRefs, imageId } from '../stack/engines/images.js';
import type { DoctorCheck } from './types.js';

export interface CourseImages {
  /** Per day: the images its stack, judges and builds use, and those the engine lacks. */
  days: Array<{ day: string; images: string[]; missing: string[] }>;
  /** One image the engine holds (to ask it things with), if any. */
  held?: string;
}

export async function courseImages(docker: Dockerode, labs: Lab[], prefix: string): Promise<CourseImages> {
  const refs = new Map(labs.map((lab) => [lab.id, dayImageRefs(lab, prefix)]));
  const all = [...new Set([...refs.values()].flat())];
  const there = new Map(
    await Promise.all(all.map(async (ref) => [ref, (await imageId(docker, ref)) !== undefined] as const)),
  );
  return {
    days: labs.map((lab) => {
      const images = refs.get(lab.id) ?? [];
      return { day: lab.id, images, missing: images.filter((ref) => !there.get(ref)) };
    }),
    held: all.find((ref) => there.get(ref)),
  };
}

/**
 * The course's images on the engine, day by day. On this machine's engine a missing image is
 * only information (`start` builds it); on another engine it is a warning with the way to get it there.
 */
export function imagesCheck(found: CourseImages | Error, local: boolean, engineName: string): DoctorCheck {
  const title = tr({ en: 'Course images', ko: '실습 이미지' });
  if (found instanceof Error)
    return {
      id: 'images',
      title,
      verdict: 'warn',
      summary: tr({
        en: `the engine's image list could not be read (${errorMessage(found)})`,
        ko: `엔진의 이미지 목록을 읽지 못했습니다(${errorMessage(found)})`,
      }),
      hint: tr({
        en: 'Run `de-lab doctor` again once the engine answers.',
        ko: '엔진이 응답하면 `de-lab doctor`를 다시 실행하세요.',
      }),
      blocking: false,
    };
  const short = found.days.filter((d) => d.missing.length > 0);
  const missing = [...new Set(short.flatMap((d) => d.missing))];
  const data = { days: found.days };
  if (short.length === 0)
    return {
      id: 'images',
      title,
      verdict: 'ok',
      summary: tr({
        en: `every image of ${found.days.map((d) => d.day).join(', ')} is on the engine`,
        ko: `${found.days.map((d) => d.day).join(', ')}의 이미지가 모두 엔진에 있음`,
      }),
      blocking: false,
      data,
    };
  const days = short.map((d) => d.day).join(', ');
  const firstDay = short[0]!.day.replace(/^day/, '');
  return {
    id: 'images',
    title,
    verdict: local ? 'info' : 'warn',
    summary: tr({
      en: `${days} lack ${missing.join(', ')}`,
      ko: `${days}에 ${missing.join(', ')} 없음`,
    }),
    hint: local
      ? tr({
          en: '`de-lab start <day>` builds what its day lacks (several minutes the first time), or `de-lab images build` builds them all now.',
          ko: '`de-lab start <day>`가 그날 없는 이미지를 빌드합니다(처음에는 몇 분). 지금 모두 빌드하려면 `de-lab images build`.',
        })
      : tr({
          en: `Build them on that engine (\`de-lab images build\` with ${engineName} selected), or carry them: \`de-lab images save --day ${firstDay} --out day${firstDay}.tar\` here, then \`de-lab images load day${firstDay}.tar\` with that engine selected.`,
          ko: `그 엔진을 선택하고 \`de-lab images build\`로 빌드하거나, 여기서 \`de-lab images save --day ${firstDay} --out day${firstDay}.tar\` 후 그 엔진을 선택하고 \`de-lab images load day${firstDay}.tar\`로 옮기세요.`,
        }),
    blocking: false,
    data,
  };
}

/**
 * An engine not on this machine (tcp://, ssh://): do its containers see this machine's folders?
 * Either way stacks run there: on a copy of the folders when it does not (engines/mirror.ts).
 */
export async function foldersCheck(
  docker: Dockerode,
  image: string | undefined,
  probe: (docker: Dockerode, image: string) => Promise<boolean> = seesThisDisk,
): Promise<DoctorCheck> {
  const title = tr({ en: "This machine's folders", ko: '이 컴퓨터의 폴더' });
  if (!image)
    return {
      id: 'folders',
      title,
      verdict: 'info',
      summary: tr({
        en: 'not asked: the engine holds none of the course images to ask with',
        ko: '확인 못 함: 엔진에 확인에 쓸 실습 이미지가 없음',
      }),
      blocking: false,
    };
  let sees: boolean;
  try {
    sees = await probe(docker, image);
  } catch (error) {
    return {
      id: 'folders',
      title,
      verdict: 'warn',
      summary: tr({
        en: `could not be asked (${errorMessage(error)})`,
        ko: `확인하지 못했습니다(${errorMessage(error)})`,
      }),
      blocking: false,
    };
  }
  return {
    id: 'folders',
    title,
    verdict: sees ? 'ok' : 'info',
    summary: sees
      ? tr({
          en: "the engine's containers see this machine's folders: a day's stack can mount your workspace",
          ko: '엔진의 컨테이너가 이 컴퓨터의 폴더를 봄: 실습 스택이 작업 공간을 마운트할 수 있음',
        })
      : tr({
          en: "the engine's containers do not see this machine's folders: de-lab carries a copy of the day's folders to the engine (at start, run, check and grade)",
          ko: '엔진의 컨테이너가 이 컴퓨터의 폴더를 보지 못함: de-lab이 그날의 폴더 사본을 엔진으로 옮깁니다(start, run, check, grade 때)',
        }),
    hint: sees
      ? undefined
      : tr({
          en: 'Nothing to do: each start, run, check and grade carries the files it needs (an archive over the Engine API).',
          ko: '할 일은 없습니다. start, run, check, grade가 필요한 파일을 옮깁니다(Engine API로 보내는 아카이브).',
        }),
    blocking: false,
    data: { sees, image },
  };
}
