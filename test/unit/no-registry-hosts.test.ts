import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * SHA-256 of package-registry host names, so that this test names none of them itself. A host
 * found in the tree counts when it or any parent domain of it is listed here.
 */
const REGISTRY_HOSTS = new Set([
  'e680c440a2e92079ab1bf7a927e8d3920f1bcd173c0487e28e020110b2e59efc', // Debian: the archive
  '1ba4e37997a2e986efa6cd844e43fd25b9e816359d31612baa9c18b71e3b5294', // Debian: the security archive
  'c2b35955576ffa710bfb7c4e5de8141335829cb1333377cbaf7daaeff9647b35', // Debian: the main FTP archive
  '26b795f2a123f2a2ae16327ac90c1404ee62c7879b706cdf5cc4caf1fca42d3a', // Debian: the old redirector
  '4b602daf23ba29744134c9ed719fd67273a10391723afb78376c9aa5663e8396', // Debian: the archive of old releases
  '2e97613f5a81eaa4f8a58f552a005713c0c8f333e026efb7771ad28429532374', // Debian: the snapshot archive
  '43c04ed1dabe979b9c552549bf0ab023abd3e1cc6d5ff7f42cfa2296b0973a67', // Maven Central: the repository
  '317d2d52829b78129d2c9e43d001899f0c8d30968bae00b848a47154df56b0ca', // Maven Central: the repository under Maven's own name
  '095fbbaf0076d564cb46efd353d5380e6ae0f19f90e7c69543ecf3888d060ba0', // Maven Central: its portal
  'bb4897481ebc8b10c649929f25e03e6694594161f3b26082b5dfd36f72e95e19', // Maven Central: its search
  'a527614f44e77d85212ab62d2fae23d3270ef8c9bbe301ed91b8540830c7846a', // Maven Central: a cloud-storage copy
  'a4aa2ac280bb8d1a0ce7a1be5a7bfb10292b49fe9435ad5cff19f421f3c70e41', // PyPI: the index
  'c899567ee906851741bf7f3bde17a33777859ff9f53ff54d6f0ea54cf31ad636', // PyPI: the file host
  'd6d7019ca9fcbf07c769e445342515ef0c92e4f18a96adbb3bf6460f5b0ba17f', // PyPI: its old name
  '9495278a74715c7e246a36404b3589f0f2f0b564defdec00b228aa07ecb515e0', // PyPI: the test index
  '0dc11026ac75c015aaa1deafff4a7a54ef6d0cf6b3c7f9b1d2c8f3502929aa9e', // the npm registry
  'fd0c6a9279196963adad509f0c8df13a4d0f048f328ba06ce7e8836e7f4182d6', // the npm registry under its other top-level domain
  '70bb4000cd2fab03af01fed086c6bf3c2c970f8b8b8001c311028ec3b80e775a', // the npm registry under Yarn's name
  '71741fe2460a615058687c4585f665af5e825968e51a512ffb14c6f2684a397d', // RubyGems: the registry
  'be549aaf28b65cd0108952d562e1786d5fed5bf2c86068a09bc04a1c8f6680b2', // RubyGems: the index
  '8885e47ba5d4ce710be8914085d40ce56a263793f6ff87fd5c4489cefac6b988', // RubyGems: the API host
  'dcb6cc3991f9799eecfd71952439eb200a2b09fee01d033df9954a197ef8c574', // Docker Hub: the registry
  '5e9dacd3577946a29e209210ba0c1bd2c9e299e33083865577af5ad129e4e20e', // Docker Hub: the index
  '3530c4415dd857fb74a542a51c41453902e3a51739cd5f266999c93cc0022aab', // Docker Hub: its short name
  'e83cc4bcd94e4ed54ac0180a4accddaca7dfd0e8668b2e758274eecf9f83743a', // Docker Hub: the web hub
  'edd83f6692f960c74ef91ce095e0dec3887663e61ba253f585d4b6258ca2e3a6', // Docker Hub: the token service
  '789e46d79514e28093cabe2bb4a0798266f584b0e508ef269ebabb6e57859290', // Rust's crate registry
  'eb7e11c7f9ecbcf48099060ec1c8c593134ff031f587e07be17293b2a3a0ee36', // Rust's crate registry: the sparse index
  '3d01f3609be82d98eeedcd977fae947ee6da479acbfd5d19619bda2184977921', // Rust's crate registry: the download host
  '00a7dc5a0cc388586b8665846e7d8ae94a6dd096f2aa1aa3b4aab4ac484f998a', // the Go module proxy
  '9da5f32d964125123cc368f231b473bea59307f811c7b9b2e731601e586b82b5', // the Go checksum database
  '0fd460f0568e29c129d5164443c22dc23e1fa5ade91d6cc915a0c74ce08fba57', // GitHub's container registry
  '271dacc9f4d0caf8ff708d7751532df465f1b6bf192cc169e6afc639faed6894', // Quay's container registry
]);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every dotted name in the text (URL hosts and bare names alike), lower-cased, with its line. */
export function hostNames(text: string): Array<{ host: string; line: number }> {
  const found: Array<{ host: string; line: number }> = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line
      .toLowerCase()
      .matchAll(/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/g))
      found.push({ host: match[0], line: index + 1 });
  });
  return found;
}

/** The listed registry host a name is, or lies under: the name and each of its parent domains. */
export function isRegistryHost(host: string): boolean {
  const labels = host.split('.');
  return labels.some((_, i) => i < labels.length - 1 && REGISTRY_HOSTS.has(sha256(labels.slice(i).join('.'))));
}

/** Tracked files with a registry host in them: "path:line host". Binary files are skipped. */
export function registryHostsInTree(dir = root): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
  const hits: string[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, file));
    } catch {
      continue; // deleted in the work tree, not yet committed
    }
    if (bytes.subarray(0, 8000).includes(0)) continue;
    for (const { host, line } of hostNames(bytes.toString('utf8')))
      if (isRegistryHost(host)) hits.push(`${file}:${line} ${host}`);
  }
  return hits;
}

describe('the source tree names no package-registry host (issue 24)', () => {
  it('finds dotted names and tells a listed host (or a name under it) from any other', () => {
    expect(hostNames('see http://App.example.test:8080/x and compose.yaml\nv1.2').map((h) => h.host)).toEqual([
      'app.example.test',
      'compose.yaml',
      'v1.2',
    ]);
    expect(isRegistryHost('app.example.test')).toBe(false);
    expect(isRegistryHost('example.test')).toBe(false);
    // The list holds hashes, so the test builds one of its own to check the parent-domain rule.
    REGISTRY_HOSTS.add(sha256('registry.example.test'));
    try {
      expect(isRegistryHost('registry.example.test')).toBe(true);
      expect(isRegistryHost('cdn.registry.example.test')).toBe(true);
      expect(isRegistryHost('example.test')).toBe(false);
    } finally {
      REGISTRY_HOSTS.delete(sha256('registry.example.test'));
    }
  });

  it("no tracked text file names one: recipes use their clients' defaults, probes ask the clients", () => {
    expect(registryHostsInTree()).toEqual([]);
  });
});
