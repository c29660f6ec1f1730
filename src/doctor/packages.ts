import type { ResolvedConfig } from '../config/config.js';
import { tr } from '../i18n/lang.js';
import type { DoctorCheck } from './types.js';

/** The offline package folder image builds install from (fluentd gems, the turnilo tarball), when one is set. */
export function checkPackages(config: ResolvedConfig): DoctorCheck {
  const title = tr({ en: 'Offline package folder', ko: '오프라인 패키지 폴더' });
  const folder = config.values.packages;
  if (!folder)
    return {
      id: 'packages',
      title,
      verdict: 'info',
      summary: tr({
        en: 'none set (image builds install from the package registries)',
        ko: '설정 없음(이미지 빌드는 패키지 저장소에서 설치)',
      }),
      hint: tr({
        en: 'Without those registries, set the folder your instructor hands out: `de-lab config set packages /path/to/packages`.',
        ko: '패키지 저장소에 닿지 않으면 강사가 준 폴더를 설정하세요: `de-lab config set packages /path/to/packages`.',
      }),
      blocking: false,
      data: { packages: null },
    };
  return {
    id: 'packages',
    title,
    verdict: 'ok',
    summary: `${folder} (${config.origins.packages})`,
    blocking: false,
    data: { packages: folder, origin: config.origins.packages },
  };
}
