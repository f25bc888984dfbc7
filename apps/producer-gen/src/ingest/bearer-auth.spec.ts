import { describe, expect, it } from 'vitest';
import { createBearerCheck } from './bearer-auth.js';

describe('createBearerCheck', () => {
  const check = createBearerCheck('t0k3n/with+chars=');

  it.each([
    { authorization: undefined, outcome: 'missing' },
    { authorization: '  ', outcome: 'missing' },
    { authorization: 'Bearer t0k3n/with+chars=', outcome: 'ok' },
    { authorization: 'bearer t0k3n/with+chars=', outcome: 'ok' },
    { authorization: 'Bearer  t0k3n/with+chars= ', outcome: 'ok' },
    { authorization: 'Bearer t0k3n/with+chars', outcome: 'invalid' },
    { authorization: 'Bearer t0k3n/with+chars==', outcome: 'invalid' },
    { authorization: 'Bearer', outcome: 'invalid' },
    { authorization: 'Basic t0k3n/with+chars=', outcome: 'invalid' },
    { authorization: 't0k3n/with+chars=', outcome: 'invalid' },
  ])('$authorization → $outcome', ({ authorization, outcome }) => {
    expect(check(authorization)).toBe(outcome);
  });
});
