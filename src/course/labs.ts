import { josa } from '../i18n/josa.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeLabError, EXIT } from '../core/errors.js';
import { labsDir } from '../core/paths.js';
import { tr } from '../i18n/lang.js';
import { labSchema, type LabManifest } from './schema.js';
import { plannedDays } from './planned.js';
import { loadYaml } from './yaml-file.js';

export { formatZodError, loadYaml, manifestError } from './yaml-file.js';

export interface Lab extends LabManifest {
  dir: string;
  composeFile: string;
}

export function loadLab(dir: string): Lab {
  const manifest = loadYaml(join(dir, 'lab.yaml'), labSchema);
  return { ...manifest, dir, composeFile: join(dir, manifest.compose) };
}

/** Every day under labs/ that has a lab.yaml, in day order. */
export function listLabs(root = labsDir): Lab[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && /^day[1-9]$/.test(entry.name) && existsSync(join(root, entry.name, 'lab.yaml')),
    )
    .map((entry) => loadLab(join(root, entry.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function findLab(day: string, root = labsDir): Lab {
  const normalised = /^[1-9]$/.test(day) ? `day${day}` : day.toLowerCase();
  const labs = listLabs(root);
  const lab = labs.find((candidate) => candidate.id === normalised);
  if (!lab) {
    const ids = labs.map((l) => l.id).join(', ');
    const planned = plannedDays(root).find((candidate) => candidate.id === normalised);
    if (planned) {
      throw new DeLabError(
        tr({
          en: `${planned.id} (${planned.title.en}) is coming: its lab is not in this de-lab yet. It teaches ${planned.teaches.en}`,
          ko: `${planned.id}(${planned.title.ko})는 준비 중입니다. 아직 이 de-lab에 실습이 없습니다. 배우는 내용: ${planned.teaches.ko}`,
        }),
        {
          hint: tr({
            en: `Until then, work on ${ids || 'another day'} (\`de-lab list\`), and update de-lab later to get ${planned.id}.`,
            ko: `그동안 ${josa(ids || '다른 날', '을/를')} 하고(\`de-lab list\`), 나중에 de-lab을 업데이트해 ${josa(planned.id, '을/를')} 받으세요.`,
          }),
          code: 'E_LAB_COMING',
          exitCode: EXIT.usage,
        },
      );
    }
    throw new DeLabError(tr({ en: `There is no lab called "${day}".`, ko: `"${day}"라는 실습일은 없습니다.` }), {
      hint:
        labs.length > 0
          ? tr({
              en: `Choose one of: ${ids} (or just the number).`,
              ko: `다음 중에서 고르세요: ${ids} (숫자만 써도 됩니다).`,
            })
          : tr({
              en: 'This de-lab has no labs installed; reinstall it.',
              ko: '설치된 실습이 없습니다. de-lab을 다시 설치하세요.',
            }),
      code: 'E_NO_LAB',
      exitCode: EXIT.usage,
    });
  }
  return lab;
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
