import { Box, Text, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { Tone } from '../feed.js';
import { Footer, type Prompt } from './Footer.js';
import { HelpScreen } from './HelpScreen.js';
import { useTerminalSize } from './hooks.js';
import { errorText, type KeyHandler, type ScreenProps } from './screen.js';
import { StageScreen } from './StageScreen.js';
import { StagesScreen } from './StagesScreen.js';
import type { WatchStore } from './store.js';

export interface AppProps {
  /** A stage's store, or the all-stages store. */
  root: WatchStore;
  /** All-stages mode: a store for one stage, sharing the root's rate limiter. */
  openStage?: (stageArn: string) => WatchStore;
  readonly: boolean;
  /** Where the requests go, shown in the header: "local emulator", an endpoint, or AWS region and account. */
  where?: string;
  /** 0 for q, 130 for Ctrl-C. */
  onExit(code: number): void;
}

/** How long an outcome ("disconnected alice") stays in the footer. */
const MESSAGE_MS = 5000;

interface Confirmation {
  question: string;
  action: () => Promise<string>;
}

/** Below this the panes overlap and the header is cut: a message says so instead. */
export const MIN_SIZE = { columns: 60, rows: 16 } as const;

export function App({ root, openStage, readonly, where, onExit }: AppProps) {
  const size = useTerminalSize();
  // Read by the key handler through refs: keys typed faster than React re-renders must still see the
  // mode the previous key switched to (a "/" followed at once by filter text).
  const [help, setHelp, helpRef] = useImmediateState(false);
  const [filter, setFilter, filterRef] = useImmediateState('');
  const [editingFilter, setEditingFilter, editingRef] = useImmediateState(false);
  const [confirmation, setConfirmation, confirmationRef] = useImmediateState<Confirmation | undefined>(undefined);
  const [message, setMessage] = useState<{ text: string; tone: Tone }>();
  const [hints, setHints] = useState('');
  const [drilled, setDrilled, drilledRef] = useImmediateState<WatchStore | undefined>(undefined);

  const rootKeys = useRef<KeyHandler | undefined>(undefined);
  const drilledKeys = useRef<KeyHandler | undefined>(undefined);

  const notify = useCallback((text: string, tone: Tone) => setMessage({ text, tone }), []);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(undefined), MESSAGE_MS);
    return () => clearTimeout(timer);
  }, [message]);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return onExit(130);
    if (helpRef.current) return setHelp(false);
    const confirmation = confirmationRef.current;
    if (confirmation) {
      setConfirmation(undefined);
      if (input.toLowerCase() !== 'y') return notify('cancelled', 'info');
      notify(`${confirmation.question.replace(/\?$/, '')}…`, 'info');
      confirmation.action().then(
        (done) => notify(done, 'warn'),
        (error: unknown) => notify(`failed: ${errorText(error)}`, 'bad'),
      );
      return;
    }
    if (editingRef.current) {
      if (key.escape) {
        setFilter('');
        setEditingFilter(false);
      } else if (key.return) setEditingFilter(false);
      else if (key.backspace || key.delete) setFilter(filterRef.current.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFilter(filterRef.current + input);
      return;
    }
    if (input === 'q') onExit(0);
    else if (input === '?') setHelp(true);
    else if (input.startsWith('/')) {
      // A pasted "/text" arrives as one input.
      setFilter(input.slice(1));
      setEditingFilter(true);
    } else (drilledRef.current ? drilledKeys : rootKeys).current?.(input, key);
  });

  const tooSmall = size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
  const screen: Omit<ScreenProps, 'keys'> = {
    hidden: help || tooSmall,
    size: { columns: size.columns, rows: size.rows - 1 },
    where,
    readonly,
    filter,
    clearFilter: () => setFilter(''),
    confirm: (question, action) => setConfirmation({ question, action }),
    notify,
    setHints,
  };

  const open = (stageArn: string) => {
    if (!openStage) return;
    root.poller.pause();
    setFilter('');
    setDrilled(openStage(stageArn));
  };
  const back = () => {
    void drilled?.poller.stop();
    drilled?.dispose();
    setDrilled(undefined);
    setFilter('');
    root.poller.resume();
  };

  const prompt: Prompt = confirmation
    ? { kind: 'confirm', question: confirmation.question }
    : editingFilter
      ? { kind: 'filter', text: filter }
      : message
        ? { kind: 'message', ...message }
        : { kind: 'keys', hints };

  return (
    <Box flexDirection="column" height={size.rows}>
      {tooSmall ? <TooSmall columns={size.columns} rows={size.rows} /> : null}
      {help && !tooSmall ? <HelpScreen readonly={readonly} /> : null}
      {root.poller.stageArn ? (
        <StageScreen {...screen} keys={rootKeys} store={root} />
      ) : (
        // Stays mounted under a drill-down so the selection is still there on the way back.
        <StagesScreen {...screen} keys={rootKeys} hidden={help || Boolean(drilled)} store={root} onOpen={open} />
      )}
      {drilled ? <StageScreen key={drilled.poller.stageArn} {...screen} keys={drilledKeys} store={drilled} onBack={back} /> : null}
      <Box flexGrow={1} />
      {tooSmall ? null : <Footer prompt={prompt} columns={size.columns} />}
    </Box>
  );
}

/** The screens stay mounted (hidden), so the selection survives a window made small for a moment. */
function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text color="yellow" bold wrap="wrap">
        Terminal too small ({columns}x{rows})
      </Text>
      <Text wrap="wrap">
        ivsrt watch needs at least {MIN_SIZE.columns}x{MIN_SIZE.rows}. Enlarge the window, or press q to quit.
      </Text>
    </Box>
  );
}

/** useState whose latest value is also readable at once through a ref. */
function useImmediateState<T>(initial: T): [T, (value: T) => void, MutableRefObject<T>] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((next: T) => {
    ref.current = next;
    setValue(next);
  }, []);
  return [value, set, ref];
}
