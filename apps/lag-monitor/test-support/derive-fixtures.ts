import type { GroupTopicView, Snapshot } from '../src/model/index.js';
import { createDeriveState, derive, type DeriveState } from '../src/derive/derive.js';
import { defaultDeriveOptions, type DeriveOptions } from '../src/derive/derive-options.js';

// Shared by the specs that need views: derive() over a run of cycles.

/** Folds derive() over `snapshots` in order, from a fresh state: the state after the last one and its views. */
export function deriveAll(snapshots: Iterable<Snapshot>, options: DeriveOptions = defaultDeriveOptions): { state: DeriveState; views: GroupTopicView[] } {
  let state = createDeriveState();
  let views: GroupTopicView[] = [];
  for (const snapshot of snapshots) ({ state, views } = derive(state, snapshot, options));
  return { state, views };
}
