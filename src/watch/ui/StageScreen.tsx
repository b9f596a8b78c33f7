import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { Box } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { participantLabel, shortArn } from '../feed.js';
import type { WatchedComposition } from '../model.js';
import { CompositionsPane } from './CompositionsPane.js';
import { EventsFeed } from './EventsFeed.js';
import { Header } from './Header.js';
import { ParticipantDetail } from './ParticipantDetail.js';
import { ParticipantsTable } from './ParticipantsTable.js';
import type { ScreenProps } from './screen.js';
import { SessionsPane } from './SessionsPane.js';
import type { WatchStore } from './store.js';
import { useWatchStore } from './use-watch-store.js';

type Pane = 'participants' | 'compositions' | 'events';
const PANES: Pane[] = ['participants', 'compositions', 'events'];

export interface StageScreenProps extends ScreenProps {
  store: WatchStore;
  /** Back to the all-stages list, when the stage was opened from it. */
  onBack?: () => void;
}

export function StageScreen(props: StageScreenProps) {
  const { store, size, readonly, filter } = props;
  const state = useWatchStore(store);
  const { snapshot } = state;
  const [pane, setPane] = useState<Pane>('participants');
  const [selectedParticipant, setSelectedParticipant] = useState<string>();
  const [selectedComposition, setSelectedComposition] = useState<string>();
  const [eventsScroll, setEventsScroll] = useState(0);
  const [detail, setDetail] = useState<string>();
  const [detailScroll, setDetailScroll] = useState(0);

  // Those who left stay while their row is red (a few polls), then drop out unless `a` shows them: in a
  // churning session they would otherwise outnumber, and push down, everyone still connected.
  const [showLeft, setShowLeft] = useState(false);
  const { participants, leftHidden } = useMemo(
    () => listParticipants(snapshot.participant.values(), filter, (p) => showLeft || p.state !== 'DISCONNECTED' || state.highlights.has(`participant:${p.participantId}`)),
    [snapshot.participant, filter, showLeft, state.highlights],
  );
  const compositions = useMemo(
    () => [...snapshot.composition.values()].sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0)),
    [snapshot.composition],
  );
  const sessions = useMemo(
    () => [...snapshot.session.values()].sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0)),
    [snapshot.session],
  );
  const participantIndex = indexOf(participants, (p) => p.participantId === selectedParticipant);
  const compositionIndex = indexOf(compositions, (c) => c.arn === selectedComposition);
  const participant = participants[participantIndex];
  const composition = compositions[compositionIndex];

  useEffect(() => {
    const keys = detail
      ? `↑↓ scroll · Esc back${readonly ? '' : ' · d disconnect'} · r refresh · p pause · ? help · q quit`
      : `↑↓ select · ⏎ details · / filter · Tab pane · a ${showLeft ? 'hide' : 'show'} who left${readonly ? '' : ' · d disconnect · x stop composition'} · r refresh · p pause · ? help · q quit`;
    props.setHints(keys);
  }, [detail, readonly, showLeft]);

  const closeDetail = () => {
    setDetail(undefined);
    store.poller.focus(undefined);
  };

  const askDisconnect = (p: Participant | undefined) => {
    if (readonly) return props.notify('read-only: disconnecting is disabled by --readonly', 'warn');
    if (!p?.participantId) return props.notify('no participant selected', 'warn');
    if (p.state !== 'CONNECTED') return props.notify(`${participantLabel(p)} is not connected`, 'warn');
    props.confirm(`Disconnect ${participantLabel(p)}?`, async () => {
      await store.poller.disconnectParticipant(p.participantId!);
      return `disconnected ${participantLabel(p)}`;
    });
  };

  const askStop = (c: WatchedComposition | undefined) => {
    if (readonly) return props.notify('read-only: stopping compositions is disabled by --readonly', 'warn');
    if (!c?.arn) return props.notify(compositions.length ? 'Tab to the compositions pane and select one' : 'no composition on this stage', 'warn');
    if (c.state === 'STOPPED' || c.state === 'FAILED' || c.state === 'STOPPING') return props.notify(`composition ${shortArn(c.arn)} is already ${c.state}`, 'warn');
    props.confirm(`Stop composition ${shortArn(c.arn)}?`, async () => {
      await store.poller.stopComposition(c.arn!);
      return `stopping composition ${shortArn(c.arn)}`;
    });
  };

  props.keys.current = (input, key) => {
    if (input === 'r') {
      store.poller.refreshNow();
      return props.notify('polling now', 'info');
    }
    if (input === 'p') {
      if (state.paused) store.poller.resume();
      else store.poller.pause();
      return;
    }
    if (detail) {
      if (key.escape) closeDetail();
      else if (key.upArrow) setDetailScroll((s) => Math.max(0, s - 1));
      else if (key.downArrow) setDetailScroll((s) => s + 1);
      else if (input === 'd') askDisconnect(snapshot.participant.get(detail));
      return;
    }
    if (key.escape) {
      if (filter) props.clearFilter();
      else props.onBack?.();
    } else if (input === 'a') {
      setShowLeft(!showLeft);
      props.notify(showLeft ? 'hiding the participants who left' : 'showing everyone who joined the session', 'info');
    } else if (key.tab) {
      setPane(PANES[(PANES.indexOf(pane) + (key.shift ? PANES.length - 1 : 1)) % PANES.length]!);
    } else if (key.upArrow || key.downArrow) {
      const step = key.upArrow ? -1 : 1;
      if (pane === 'participants') setSelectedParticipant((id) => moved(participants, (p) => p.participantId === id, step)?.participantId);
      else if (pane === 'compositions') setSelectedComposition((arn) => moved(compositions, (c) => c.arn === arn, step)?.arn);
      else setEventsScroll((s) => clamp(s - step, state.feed.length));
    } else if (key.return && pane === 'participants' && participant?.participantId) {
      setDetail(participant.participantId);
      setDetailScroll(0);
      store.poller.focus(participant.participantId);
    } else if (input === 'd') {
      askDisconnect(pane === 'participants' ? participant : undefined);
    } else if (input === 'x') {
      askStop(pane === 'compositions' ? composition : undefined);
    }
  };

  const stage = snapshot.stage.get(snapshot.stageArn ?? '');
  const session = snapshot.sessionId ? snapshot.session.get(snapshot.sessionId) : undefined;
  const bodyRows = Math.max(6, size.rows - 4);
  const layout = stageLayout(bodyRows, compositions.length, sessions.length);
  const detailEvents = detail
    ? [...snapshot.event.values()].filter((e) => e.participantId === detail).sort((a, b) => (b.eventTime?.getTime() ?? 0) - (a.eventTime?.getTime() ?? 0))
    : [];

  return (
    <Box flexDirection="column" display={props.hidden ? 'none' : 'flex'}>
      <Header
        title={stage?.name || shortArn(snapshot.stageArn)}
        subtitle={snapshot.stageArn ?? ''}
        session={{ id: snapshot.sessionId, startTime: session?.startTime, active: Boolean(stage?.activeSessionId && stage.activeSessionId === snapshot.sessionId) }}
        status={state.status}
        requestRate={state.requestRate}
        intervalMs={store.poller.intervalMs}
        where={props.where}
      />
      {detail ? (
        <ParticipantDetail
          participantId={detail}
          participant={snapshot.participant.get(detail)}
          events={detailEvents}
          scroll={detailScroll}
          height={bodyRows}
        />
      ) : (
        <>
          <ParticipantsTable
            participants={participants}
            total={snapshot.participant.size}
            leftHidden={leftHidden}
            complete={snapshot.rosterComplete}
            selectedIndex={participantIndex}
            active={pane === 'participants'}
            filter={filter}
            highlights={state.highlights}
            height={layout.participants}
            width={size.columns}
          />
          <CompositionsPane
            compositions={compositions}
            selectedIndex={compositionIndex}
            active={pane === 'compositions'}
            highlights={state.highlights}
            height={layout.compositions}
          />
          <SessionsPane sessions={sessions} headcounts={snapshot.headcounts} height={layout.sessions} asOf={state.status.lastSuccessAt ?? Date.now()} />
          <EventsFeed lines={state.feed} scroll={eventsScroll} active={pane === 'events'} height={layout.events} />
        </>
      )}
    </Box>
  );
}

/** Compares participant ids as localeCompare does, without looking the locale up at every call. */
const byId = new Intl.Collator().compare;

/**
 * The rows of the participants table: those matching the filter (by user or participant id) that `shown`
 * keeps, connected first, then publishers, then by first join; and how many matching were not kept.
 * One pass and one sort over a session of thousands, at every poll.
 */
function listParticipants(all: Iterable<Participant>, filter: string, shown: (p: Participant) => boolean) {
  const needle = filter.toLowerCase();
  const participants: Participant[] = [];
  let leftHidden = 0;
  for (const p of all) {
    if (needle && !`${p.userId ?? ''} ${p.participantId ?? ''}`.toLowerCase().includes(needle)) continue;
    if (shown(p)) participants.push(p);
    else leftHidden++;
  }
  participants.sort(
    (a, b) =>
      Number(b.state === 'CONNECTED') - Number(a.state === 'CONNECTED') ||
      Number(Boolean(b.published)) - Number(Boolean(a.published)) ||
      (a.firstJoinTime?.getTime() ?? 0) - (b.firstJoinTime?.getTime() ?? 0) ||
      byId(a.participantId ?? '', b.participantId ?? ''),
  );
  return { participants, leftHidden };
}

/** Rows per pane: small fixed panes for compositions and sessions, the rest shared by participants and events. */
function stageLayout(rows: number, compositions: number, sessions: number) {
  const compositionRows = 1 + Math.min(Math.max(compositions, 1), 3);
  const sessionRows = 1 + Math.min(Math.max(sessions, 1), 3);
  const shared = Math.max(6, rows - compositionRows - sessionRows);
  const events = Math.max(3, Math.floor(shared * 0.35));
  return { participants: shared - events, compositions: compositionRows, sessions: sessionRows, events };
}

function indexOf<T>(items: readonly T[], selected: (item: T) => boolean): number {
  const index = items.findIndex(selected);
  return index >= 0 ? index : 0;
}

/** The item `step` rows away from the selected one, staying within the list. */
function moved<T>(items: readonly T[], selected: (item: T) => boolean, step: number): T | undefined {
  return items[clamp(indexOf(items, selected) + step, items.length)];
}

function clamp(index: number, length: number): number {
  return Math.min(Math.max(0, index), Math.max(0, length - 1));
}
