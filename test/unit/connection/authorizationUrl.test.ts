/**
 * The consent link the sidebar offers: minted only on a deployment with its Keap app set up,
 * and its absence never stops the sidebar from loading.
 */
import { notSetUpReason, wordsOf } from './connectionWords';
import { authorizationUrlIfSetUp, connectionProblem } from '../../../src/connection/index';
import { CREDENTIALS, installServices, removeServices } from './fakeConnectionServices';

describe('consent link', () => {
  afterEach(removeServices);

  it('is minted fresh when the add-on is set up', () => {
    const calls = installServices({ script: CREDENTIALS });
    expect(authorizationUrlIfSetUp()).toMatch(/^https:\/\//);
    expect(calls).toContain('service.getAuthorizationUrl');
  });

  it('is null without the Keap app credentials, where the entry point says what to set up', () => {
    const calls = installServices({ script: { KEAP_CLIENT_ID: 'id' } });
    expect(authorizationUrlIfSetUp()).toBeNull();
    expect(wordsOf(connectionProblem())).toBe(notSetUpReason(['KEAP_CLIENT_SECRET']));
    expect(calls).not.toContain('service.getAuthorizationUrl');
  });
});
