/** The one step → image map, for every kind of build outcome (the table in src/app/step-images.ts). */
import { describe, expect, test } from '@jest/globals';
import { stepImageMap, stepImagesOutput } from '../../src/app/step-images.js';
import type { BuildResult } from '../../src/images/build.js';
import { contentHashTag } from '../../src/images/tags.js';
import type { Plan } from '../../src/plan/types.js';
import { testGroup, testPlan } from '../helpers/plans.js';

const digest = `sha256:${'d'.repeat(64)}`;
const hash = 'a'.repeat(64);
const tag = contentHashTag(hash);

const plan: Plan = testPlan([testGroup('python', ['a', 'b'], { contentHash: hash })], {
  external: [{ step: 'ext', image: 'google/deepvariant:1.6.1' }],
});

function build(over: Partial<BuildResult>): BuildResult {
  return {
    group: 'python',
    steps: ['a', 'b'],
    image: 'ghcr.io/acme/w/python',
    tags: [tag],
    status: 'built',
    pushed: false,
    estimatedSize: 1,
    durationMs: 1,
    ...over,
  };
}

describe('stepImageMap', () => {
  test.each<[string, Parameters<typeof stepImageMap>[1], string | undefined, string]>([
    [
      'pushed: by digest',
      { registry: 'ghcr.io/acme/w', builds: [build({ digest, pushed: true })] },
      `ghcr.io/acme/w/python@${digest}`,
      'digest',
    ],
    [
      'skipped as unchanged: by digest',
      { registry: 'ghcr.io/acme/w', builds: [build({ status: 'skipped', digest })] },
      `ghcr.io/acme/w/python@${digest}`,
      'digest',
    ],
    [
      'built, not pushed (a pull request): the content-hash tag, never a bare name',
      { registry: 'ghcr.io/acme/w', builds: [build({})] },
      `ghcr.io/acme/w/python:${tag}`,
      'tag',
    ],
    [
      'a local build without a registry',
      { builds: [build({ image: 'localhost/stowage/python' })] },
      `localhost/stowage/python:${tag}`,
      'tag',
    ],
    [
      'failed with a registry: the tag a build will push',
      { registry: 'ghcr.io/acme/w', builds: [build({ status: 'failed', error: 'boom' })] },
      `ghcr.io/acme/w/python:${tag}`,
      'tag',
    ],
    [
      'no build, the registry has the digest',
      { registry: 'ghcr.io/acme/w/', digests: { python: digest } },
      `ghcr.io/acme/w/python@${digest}`,
      'digest',
    ],
    ['no build, no digest: the plan tag', { registry: 'r.io/w' }, `r.io/w/python:${tag}`, 'tag'],
  ])('%s', (_name, sources, ref, pinned) => {
    const map = stepImageMap(plan, sources);
    expect(map.images.a).toEqual({
      ref,
      pinned,
      group: expect.objectContaining({ name: 'python' }),
    });
    expect(map.images.b).toEqual(map.images.a);
    expect(map.images.ext).toEqual({ ref: 'google/deepvariant:1.6.1', pinned: 'tag' });
    expect(map.missing).toEqual([]);
  });

  test('a failed build without a registry is missing, with the reason', () => {
    const map = stepImageMap(plan, {
      builds: [build({ status: 'failed', error: 'apt broke\nmore' })],
    });
    expect(map.images.a).toBeUndefined();
    expect(map.missing).toEqual([{ group: 'python', reason: 'its build failed: apt broke' }]);
  });

  test('a blocked group is missing, with the reason', () => {
    const blocked = { ...plan, groups: [testGroup('python', ['a'], { contentHash: '' })] };
    expect(stepImageMap(blocked, { registry: 'r.io/w' }).missing).toEqual([
      { group: 'python', reason: 'the group is blocked (see the findings)' },
    ]);
  });

  test('the step-images output is step → reference, sorted', () => {
    const map = stepImageMap(plan, { registry: 'r.io/w', digests: { python: digest } });
    expect(Object.entries(stepImagesOutput(map))).toEqual([
      ['a', `r.io/w/python@${digest}`],
      ['b', `r.io/w/python@${digest}`],
      ['ext', 'google/deepvariant:1.6.1'],
    ]);
  });
});
