// Vitest's own order (by project, then longest or largest first), except that a project's
// exclusive suites (lanes.ts) come after its other files: they run one at a time, so the other
// files fill both workers first instead of one worker waiting on the lock.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { isExclusiveSuite } from './lanes.js';

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projectRank = new Map<string, number>();
    for (const spec of sorted) if (!projectRank.has(spec.project.name)) projectRank.set(spec.project.name, projectRank.size);
    const key = (spec: TestSpecification, index: number): [number, number, number] => [
      projectRank.get(spec.project.name) ?? 0,
      isExclusiveSuite(spec.moduleId) ? 1 : 0,
      index,
    ];
    const out = sorted
      .map((spec, index) => ({ spec, key: key(spec, index) }))
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
      .map(({ spec }) => spec);
    return out;
  }
}
