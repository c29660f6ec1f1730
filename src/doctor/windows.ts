import { josa } from '../i18n/josa.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tr } from '../i18n/lang.js';
import { formatBytes } from './checks.js';
import type { DoctorCheck } from './types.js';

/** Where the probe reads the host's files: `/` on a real machine, a folder of fakes in tests. */
export interface HostProbe {
  root: string;
  env: NodeJS.ProcessEnv;
}

export interface WslFacts {
  /** Running inside a WSL distribution. */
  wsl: boolean;
  /** 2 when the kernel is WSL2's own (a real VM), 1 for WSL1's translation layer. */
  version?: 1 | 2;
  distro?: string;
  /** The Linux VM's memory as its kernel reports it (MemTotal of /proc/meminfo). */
  memoryBytes?: number;
}

function readText(probe: HostProbe, path: string): string {
  try {
    return readFileSync(join(probe.root, path), 'utf8');
  } catch {
    return '';
  }
}

/** WSL: a Microsoft kernel in /proc/version, WSL_DISTRO_NAME, or the Windows interop handler. */
export function detectWsl(probe: HostProbe): WslFacts {
  const kernel = readText(probe, 'proc/version');
  const microsoft = /microsoft/i.test(kernel);
  const interop = existsSync(join(probe.root, 'proc/sys/fs/binfmt_misc/WSLInterop'));
  const distro = probe.env.WSL_DISTRO_NAME || undefined;
  if (!microsoft && !interop && !distro) return { wsl: false };
  const version = /WSL2|microsoft-standard/i.test(kernel) ? 2 : microsoft ? 1 : undefined;
  const kib = /^MemTotal:\s+(\d+)\s*kB/m.exec(readText(probe, 'proc/meminfo'))?.[1];
  return { wsl: true, version, distro, memoryBytes: kib ? Number(kib) * 1024 : undefined };
}

/** Docker Desktop's engine (on Windows or macOS), as `docker info` names it. */
export function isDockerDesktop(info: Record<string, unknown>): boolean {
  return /Docker Desktop/i.test(String(info.OperatingSystem ?? ''));
}

/** The Windows drive a path lies on under WSL (`/mnt/c/...` → `C:`), or undefined. */
export function windowsDrive(path: string): string | undefined {
  const letter = /^\/mnt\/([a-z])(\/|$)/i.exec(path)?.[1];
  return letter ? `${letter.toUpperCase()}:` : undefined;
}

/**
 * One doctor line for Windows (WSL2, Docker Desktop) and macOS Docker Desktop: the VM's memory and
 * where to raise it. Undefined on a plain Linux host.
 */
export function checkDesktopVm(wsl: WslFacts, info: Record<string, unknown> | undefined): DoctorCheck | undefined {
  const desktop = info !== undefined && isDockerDesktop(info);
  if (!wsl.wsl && !desktop) return undefined;
  const engineMemory = Number(info?.MemTotal ?? 0) || undefined;
  const memory = engineMemory ?? wsl.memoryBytes;
  const where = wsl.wsl
    ? `WSL${wsl.version ?? ''}${wsl.distro ? ` (${wsl.distro})` : ''}${desktop ? ' + Docker Desktop' : ''}`
    : 'Docker Desktop';
  const shown = memory ? formatBytes(memory) : '?';
  return {
    id: 'desktop-vm',
    title: tr({ en: 'Linux VM', ko: '리눅스 VM' }),
    verdict: 'info',
    summary: tr({
      en: `${where}: the VM has ${shown} memory`,
      ko: `${where}: VM 메모리 ${shown}`,
    }),
    hint: wsl.wsl
      ? tr({
          en: 'To give it more, write `[wsl2]` and `memory=8GB` in %UserProfile%\\.wslconfig, then run `wsl --shutdown` in Windows and start again (Docker Desktop on WSL2 follows it; with Hyper-V: Docker Desktop → Settings → Resources).',
          ko: '메모리를 늘리려면 %UserProfile%\\.wslconfig에 `[wsl2]`와 `memory=8GB`를 쓰고 Windows에서 `wsl --shutdown`을 실행한 뒤 다시 시작하세요(WSL2의 Docker Desktop도 이를 따릅니다. Hyper-V라면 Docker Desktop → Settings → Resources).',
        })
      : tr({
          en: 'To give it more: Docker Desktop → Settings → Resources → Memory, then Apply & restart.',
          ko: '메모리를 늘리려면 Docker Desktop → Settings → Resources → Memory에서 바꾸고 Apply & restart를 누르세요.',
        }),
    blocking: false,
    data: { wsl: wsl.wsl, wslVersion: wsl.version, distro: wsl.distro, dockerDesktop: desktop, memoryBytes: memory },
  };
}

/** A warning when the workspace lies on a Windows drive under WSL: slow, and `watch` gets no file events. */
export function checkWorkspaceDrive(wsl: WslFacts, workspace: string | undefined): DoctorCheck | undefined {
  const drive = workspace ? windowsDrive(workspace) : undefined;
  if (!wsl.wsl || !drive) return undefined;
  return {
    id: 'workspace-drive',
    title: tr({ en: 'Workspace location', ko: '작업 폴더 위치' }),
    verdict: 'warn',
    summary: tr({
      en: `${workspace} is on the Windows drive ${drive}: file access from Linux is slow, and \`de-lab watch\` gets no file-change events there`,
      ko: `${josa(workspace ?? '', '은/는')} Windows 드라이브 ${drive}에 있습니다. 리눅스에서 파일 접근이 느리고 \`de-lab watch\`가 파일 변경을 알지 못합니다`,
    }),
    hint: tr({
      en: 'Make a workspace in the Linux file system, e.g. `de-lab init ~/de-lab` (VS Code opens it with `code ~/de-lab`).',
      ko: '리눅스 파일 시스템에 작업 폴더를 만드세요. 예: `de-lab init ~/de-lab` (VS Code에서는 `code ~/de-lab`로 엽니다).',
    }),
    blocking: false,
    data: { workspace, drive },
  };
}
