/**
 * End to end with buildah (no daemon) and a real registry on loopback: build and push, skip
 * unchanged, rebuild only what changed.
 */
import { jest } from '@jest/globals';
import { join } from 'node:path';
import { RegistryClient } from '../../src/images/registry.js';
import { contentHashTag } from '../../src/images/tags.js';
import { drive, type DriveRequest } from './drive.js';
import {
  baseImagesFor,
  buildahEnv,
  copyFixture,
  describeWithTools,
  editFile,
  planWorkspace,
  pushBaseWithBuildah,
  removeDir,
  startRegistry,
  stopAll,
  tempDir,
  type RegistryDaemon,
} from './harness.js';

jest.setTimeout(240_000);

describeWithTools(['buildah', 'docker-registry', 'busybox'])(
  'build with buildah against a real registry',
  () => {
    let dir: string;
    let registry: RegistryDaemon | undefined;
    let env: Record<string, string>;
    let base: string;
    let workspace: string;

    const request = (over: Partial<DriveRequest>): DriveRequest => ({
      workspace,
      baseImages: baseImagesFor(base),
      registry: `${registry?.host}/bh`,
      builder: 'buildah',
      env,
      eventName: 'push',
      ref: 'refs/tags/v1.4.2',
      sha: '9999999aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      ...over,
    });
    const client = (): RegistryClient => new RegistryClient(registry?.host ?? '');

    beforeAll(async () => {
      dir = tempDir('buildah');
      registry = await startRegistry(join(dir, 'registry'));
      env = buildahEnv(join(dir, 'buildah'));
      base = pushBaseWithBuildah(join(dir, 'base'), registry.host, env);
      workspace = copyFixture(join(dir, 'workspace'));
    }, 120_000);

    afterAll(async () => {
      await stopAll([registry]);
      removeDir(dir);
    }, 60_000);

    test('builds and pushes with version tags, labels and matching digests', async () => {
      const run = await drive(request({}));
      expect(run.error).toBeUndefined();
      expect(run.log).toContain('builder: buildah bud');
      expect(run.images.map((i) => [i.group, i.status, i.pushed])).toEqual([
        ['native', 'built', true],
        ['python', 'built', true],
      ]);
      const plan = planWorkspace(workspace, baseImagesFor(base));
      for (const [index, image] of run.images.entries()) {
        const group = plan.groups[index];
        if (!group) throw new Error('plan and images differ');
        const path = `bh/${group.name}`;
        const hashTag = contentHashTag(group.contentHash);
        expect(await client().listTags(path)).toEqual(
          [hashTag, '1', '1.4', '1.4.2', 'sha-9999999'].sort(),
        );
        const info = await client().imageInfo(path, '1.4.2');
        expect(info?.digest).toBe(image.digest);
        expect(info?.labels['org.opencontainers.image.version']).toBe('1.4.2');
        expect(info?.labels['io.stowage.steps']).toBe(group.steps.join(','));
      }
      expect(run.stepImages.summarise).toBe(`${run.images[1]?.image}@${run.images[1]?.digest}`);
    });

    test("an unchanged rerun is all skipped; a changed step's software rebuilds only its group", async () => {
      const again = await drive(
        request({ ref: 'refs/heads/main', sha: '8888888aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }),
      );
      expect(again.images.map((i) => i.status)).toEqual(['skipped', 'skipped']);
      expect(await client().listTags('bh/native')).toEqual(
        expect.arrayContaining(['latest', 'main', 'sha-8888888']),
      );

      editFile(workspace, 'stowage.yml', 'tally-tool-v1', 'tally-tool-v2');
      const changed = await drive(request({ ref: 'refs/heads/main' }));
      expect(changed.images.map((i) => [i.group, i.status])).toEqual([
        ['native', 'built'],
        ['python', 'skipped'],
      ]);
      expect((await client().headManifest('bh/native', 'latest'))?.digest).toBe(
        changed.images[0]?.digest,
      );
    });
  },
);
