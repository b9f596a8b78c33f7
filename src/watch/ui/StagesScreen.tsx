import { Box } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { Header } from './Header.js';
import type { ScreenProps } from './screen.js';
import { StagesList, type StageRow } from './StagesList.js';
import type { WatchStore } from './store.js';
import { useWatchStore } from './use-watch-store.js';

export interface StagesScreenProps extends ScreenProps {
  store: WatchStore;
  onOpen(stageArn: string): void;
}

export function StagesScreen(props: StagesScreenProps) {
  const { store, size, filter } = props;
  const state = useWatchStore(store);
  const [selected, setSelected] = useState<string>();
  const stages = useMemo(() => {
    const needle = filter.toLowerCase();
    return ([...state.snapshot.stage.values()] as StageRow[])
      .filter((s) => !needle || `${s.name ?? ''} ${s.arn ?? ''}`.toLowerCase().includes(needle))
      .sort((a, b) => Number(Boolean(b.activeSessionId)) - Number(Boolean(a.activeSessionId)) || (a.name ?? '').localeCompare(b.name ?? ''));
  }, [state.snapshot.stage, filter]);
  const index = Math.max(0, stages.findIndex((s) => s.arn === selected));

  useEffect(() => {
    if (!props.hidden) props.setHints('↑↓ select · ⏎ open stage · / filter · r refresh · p pause · ? help · q quit');
  }, [props.hidden]);

  props.keys.current = (input, key) => {
    if (key.upArrow || key.downArrow) {
      const step = key.upArrow ? -1 : 1;
      setSelected((arn) => {
        const current = Math.max(0, stages.findIndex((s) => s.arn === arn));
        return stages[Math.min(Math.max(0, current + step), Math.max(0, stages.length - 1))]?.arn;
      });
    } else if (key.return && stages[index]?.arn) {
      props.onOpen(stages[index]!.arn!);
    } else if (key.escape && filter) {
      props.clearFilter();
    } else if (input === 'r') {
      store.poller.refreshNow();
    } else if (input === 'p') {
      if (state.paused) store.poller.resume();
      else store.poller.pause();
    }
  };

  return (
    <Box flexDirection="column" display={props.hidden ? 'none' : 'flex'}>
      <Header title="all stages" subtitle="this account and region" where={props.where} status={state.status} requestRate={state.requestRate} intervalMs={store.poller.intervalMs} />
      <StagesList stages={stages} selectedIndex={index} highlights={state.highlights} filter={filter} height={Math.max(3, size.rows - 4)} width={size.columns} />
    </Box>
  );
}
