import { createRequire } from 'node:module';

/** Requires one of this package's own (CommonJS) files by its path under `src/`, for the specs. */
export const requireSrc = createRequire(new URL('../src/', import.meta.url)) as (path: string) => unknown;
