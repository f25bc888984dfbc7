import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerCheck = 'ok' | 'missing' | 'invalid';

const BEARER = /^Bearer +(\S+) *$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A checker of `Authorization` headers against one token. Both sides are hashed before the
 * constant-time compare, so neither the token's content nor its length leaks through timing.
 */
export function createBearerCheck(token: string): (authorization: string | undefined) => BearerCheck {
  const expected = digest(token);
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return 'missing';
    const presented = BEARER.exec(authorization)?.[1];
    if (presented === undefined) return 'invalid';
    return timingSafeEqual(digest(presented), expected) ? 'ok' : 'invalid';
  };
}
