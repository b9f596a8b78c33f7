import { useSyncExternalStore } from 'react';
import type { WatchState, WatchStore } from './store.js';

export function useWatchStore(store: WatchStore): WatchState {
  return useSyncExternalStore(store.subscribe, store.getState);
}
