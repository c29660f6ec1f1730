import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDoctor } from '../../src/cli/commands/doctor.js';
import { loadConfig } from '../../src/config/config.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import {
  checkDesktopVm,
  checkWorkspaceDrive,
  detectWsl,
  isDockerDesktop,
  windowsDrive,
} from '../../src/doctor/windows.js';
import { setLang } from '../../src/i18n/lang.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fake host root: /proc/version, /proc/meminfo and, when asked, the WSL interop handler. */
function fakeRoot(version: string, memKiB: number, interop = false): string {
  const root = mkdtempSync(join(tmpdir(), 'de-lab-fake-proc-'));
  made.push(root);
  mkdirSync(join(root, 'proc', 'sys', 'fs', 'binfmt_misc'), { recursive: true });
  writeFileSync(join(root, 'proc', 'version'), version);
  writeFileSync(join(root, 'proc', 'meminfo'), `MemTotal:       ${memKiB} kB\nMemFree:  1 kB\n`);
  if (interop) writeFileSync(join(root, 'proc', 'sys', 'fs', 'binfmt_misc', 'WSLInterop'), 'enabled\n');
  return root;
}

const WSL2 = 'Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) 11.2.0) #1 SMP';
const DEBIAN = 'Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian';

describe('WSL2 and Docker Desktop in doctor', () => {
  it('recognises WSL2 from /proc/version, WSL_DISTRO_NAME or the interop handler, and reads the VM memory', () => {
    expect(detectWsl({ root: fakeRoot(WSL2, 8 * 1024 * 1024), env: { WSL_DISTRO_NAME: 'Ubuntu' } })).toEqual({
      wsl: true,
      version: 2,
      distro: 'Ubuntu',
      memoryBytes: 8 * 1024 ** 3,
    });
    expect(detectWsl({ root: fakeRoot(DEBIAN, 1024, true), env: {} }).wsl).toBe(true);
    expect(detectWsl({ root: fakeRoot(DEBIAN, 1024), env: {} })).toEqual({ wsl: false });
    expect(detectWsl({ root: '/nonexistent-root', env: {} })).toEqual({ wsl: false });
  });

  it('recognises Docker Desktop from the engine info and says where to raise its memory', () => {
    expect(isDockerDesktop({ OperatingSystem: 'Docker Desktop', KernelVersion: '6.10.14-linuxkit' })).toBe(true);
    expect(isDockerDesktop({ OperatingSystem: 'Debian GNU/Linux 12 (bookworm)' })).toBe(false);
    const mac = checkDesktopVm({ wsl: false }, { OperatingSystem: 'Docker Desktop', MemTotal: 4 * 1024 ** 3 })!;
    expect(mac.summary).toBe('Docker Desktop: the VM has 4.0 GiB memory');
    expect(mac.hint).toContain('Settings → Resources → Memory');
    expect(checkDesktopVm({ wsl: false }, { OperatingSystem: 'Ubuntu 24.04' })).toBeUndefined();
  });

  it('on WSL2 names the memory, .wslconfig and wsl --shutdown', () => {
    const check = checkDesktopVm(
      { wsl: true, version: 2, distro: 'Ubuntu', memoryBytes: 2 * 1024 ** 3 },
      { OperatingSystem: 'Docker Desktop', MemTotal: 3 * 1024 ** 3 },
    )!;
    expect(check.summary).toBe('WSL2 (Ubuntu) + Docker Desktop: the VM has 3.0 GiB memory');
    expect(check.hint).toContain('.wslconfig');
    expect(check.hint).toContain('memory=8GB');
    expect(check.hint).toContain('wsl --shutdown');
  });

  it('warns when the workspace is on a Windows drive, only under WSL', () => {
    expect(windowsDrive('/mnt/c/Users/kim/de-lab')).toBe('C:');
    expect(windowsDrive('/mnt/d')).toBe('D:');
    expect(windowsDrive('/mnt/wsl/x')).toBeUndefined();
    expect(windowsDrive('/home/kim/de-lab')).toBeUndefined();
    const warn = checkWorkspaceDrive({ wsl: true }, '/mnt/c/Users/kim/de-lab')!;
    expect(warn.verdict).toBe('warn');
    expect(warn.summary).toContain('slow');
    expect(warn.summary).toContain('de-lab watch');
    expect(warn.hint).toContain('de-lab init ~/de-lab');
    expect(checkWorkspaceDrive({ wsl: false }, '/mnt/c/x')).toBeUndefined();
    expect(checkWorkspaceDrive({ wsl: true }, '/home/kim/de-lab')).toBeUndefined();
  });

  it('says it in Korean too', () => {
    setLang('ko');
    try {
      expect(checkWorkspaceDrive({ wsl: true }, '/mnt/c/w')!.summary).toContain('Windows 드라이브 C:');
      expect(checkDesktopVm({ wsl: true, version: 2, memoryBytes: 1024 ** 3 }, undefined)!.summary).toBe(
        'WSL2: VM 메모리 1.0 GiB',
      );
    } finally {
      setLang('en');
    }
  });

  it('doctor on a faked WSL2 host names the VM memory and the /mnt/c warning, without an engine', async () => {
    const env = { WSL_DISTRO_NAME: 'Ubuntu', DOCKER_HOST: 'unix:///nonexistent/docker.sock', NO_COLOR: '1' };
    const config = loadConfig({ workspace: '/mnt/c/Users/kim/de-lab' }, env);
    const report = await runDoctor(config, env, fakeRoot(WSL2, 6 * 1024 * 1024));
    const text = renderDoctor(report);
    expect(text).toContain('WSL2 (Ubuntu): the VM has 6.0 GiB memory');
    expect(text).toContain('/mnt/c/Users/kim/de-lab is on the Windows drive C:');
  });
});

describe('doctor names the offline package folder', () => {
  it('shows the folder and where it was set, or says there is none', async () => {
    const { checkPackages } = await import('../../src/doctor/packages.js');
    const folder = mkdtempSync(join(tmpdir(), 'de-lab-packages-'));
    made.push(folder);
    mkdirSync(join(folder, 'gems'));
    const set = checkPackages(loadConfig({}, { DE_LAB_PACKAGES: folder }));
    expect(set.summary).toContain(folder);
    expect(set.verdict).toBe('ok');
    const none = checkPackages(loadConfig({}, { DE_LAB_CONFIG: join(folder, 'none.yaml') }));
    expect(none.summary).toContain('none set');
    expect(none.hint).toContain('de-lab config set packages');
  });
});
