import { tr } from '../i18n/lang.js';

export interface Diagnosis {
  cause: string;
  fix: string;
}

/** Known failure signatures of a service, from its exit state and last log lines. */
export function diagnose(input: {
  exitCode?: number;
  oomKilled?: boolean;
  logs: string[];
  arch?: string;
}): Diagnosis | undefined {
  const text = input.logs.join('\n');
  if (input.oomKilled || input.exitCode === 137) {
    return {
      cause: tr({
        en: 'the container was killed for using too much memory (exit 137 / OOMKilled)',
        ko: '메모리를 너무 많이 써서 컨테이너가 종료되었습니다(exit 137 / OOMKilled)',
      }),
      fix: tr({
        en: 'Give the engine more memory (Docker Desktop → Settings → Resources) or stop other stacks, then start again.',
        ko: '엔진 메모리를 늘리거나(Docker Desktop → Settings → Resources) 다른 스택을 멈춘 뒤 다시 시작하세요.',
      }),
    };
  }
  if (/address already in use|port is already allocated|BindException/i.test(text)) {
    return {
      cause: tr({ en: 'a port the service needs is already in use', ko: '서비스가 쓰는 포트가 이미 사용 중입니다' }),
      fix: tr({
        en: 'Stop whatever holds the port (`de-lab status`, `docker ps`), then start again.',
        ko: '포트를 점유한 것을 멈춘 뒤(`de-lab status`, `docker ps`) 다시 시작하세요.',
      }),
    };
  }
  if (/x509|unknown authority|PKIX path building failed|CERTIFICATE_VERIFY_FAILED/i.test(text)) {
    return {
      cause: tr({
        en: 'a TLS certificate was not trusted (a proxy that intercepts TLS?)',
        ko: 'TLS 인증서를 신뢰하지 못했습니다(TLS를 가로채는 프록시?)',
      }),
      fix: tr({
        en: "Configure the proxy's CA with `de-lab config set caFile /path/to/ca.pem`, rebuild with `de-lab images build`, then start again.",
        ko: '`de-lab config set caFile /path/to/ca.pem`으로 프록시 CA를 설정하고 `de-lab images build`로 다시 빌드한 뒤 시작하세요.',
      }),
    };
  }
  if (/no space left on device/i.test(text)) {
    return {
      cause: tr({ en: "the engine's disk is full", ko: '엔진 디스크가 가득 찼습니다' }),
      fix: tr({
        en: 'Free disk space or run `docker system prune`, then start again.',
        ko: '디스크 공간을 비우거나 `docker system prune` 후 다시 시작하세요.',
      }),
    };
  }
  if (/exec format error|platform \(linux\/amd64\) does not match|requested image's platform/i.test(text)) {
    return {
      cause: tr({
        en: 'the image was built for another CPU architecture',
        ko: '이미지가 다른 CPU 아키텍처용으로 빌드되었습니다',
      }),
      fix: tr({
        en: 'Rebuild the images on this machine with `de-lab images build --no-cache` (recipes build natively on arm64 and amd64).',
        ko: '`de-lab images build --no-cache`로 이 컴퓨터에서 다시 빌드하세요(레시피는 arm64/amd64에서 네이티브로 빌드됩니다).',
      }),
    };
  }
  return undefined;
}
