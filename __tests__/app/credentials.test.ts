/**
 * Which credentials a build may send: only to a registry the user named, or when pushing (which
 * the user asked for) — the rule both adapters share.
 */
import { registryCredentials } from '../../src/app/build.js';

const credentials = { username: 'u', password: 'p' };

test.each([
  [true, false, credentials],
  [true, true, credentials],
  [false, true, credentials],
  [false, false, undefined],
])('registry named by the user: %s, push: %s', (registryNamedByUser, push, expected) => {
  expect(registryCredentials({ credentials, registryNamedByUser, push })).toEqual(expected);
});

test('no credentials given: none sent', () => {
  expect(registryCredentials({ registryNamedByUser: true, push: true })).toBeUndefined();
});
