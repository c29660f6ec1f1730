import type Dockerode from 'dockerode';
import { DeLabError, errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';

/** Pulls one tag, reporting "Downloading 120/380 MB" style progress. */
export async function pullImage(docker: Dockerode, tag: string, onProgress?: (text: string) => void): Promise<void> {
  const layers = new Map<string, { current: number; total: number }>();
  try {
    const stream = await docker.pull(tag);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: { id?: string; status?: string; progressDetail?: { current?: number; total?: number } }) => {
          if (event.id && event.progressDetail?.total)
            layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          let current = 0;
          let total = 0;
          for (const layer of layers.values()) {
            current += layer.current;
            total += layer.total;
          }
          onProgress?.(
            total > 0
              ? `${event.status ?? ''} ${Math.round(current / 1e6)}/${Math.round(total / 1e6)} MB`.trim()
              : (event.status ?? ''),
          );
        },
      );
    });
  } catch (error) {
    throw new DeLabError(
      tr({ en: `Pulling ${tag} failed: ${errorMessage(error)}.`, ko: `${tag} 받기 실패: ${errorMessage(error)}.` }),
      {
        hint: tr({
          en: 'Check `de-lab config get imagePrefix` and your registry login, or build the image with `de-lab images build`.',
          ko: '`de-lab config get imagePrefix`와 레지스트리 로그인을 확인하거나 `de-lab images build`로 이미지를 빌드하세요.',
        }),
        code: 'E_PULL',
        cause: error,
      },
    );
  }
}
