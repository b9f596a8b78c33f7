import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * The current time for "polled 3s ago". Every redraw costs Ink a whole frame, so the clock does not
 * tick while polls land on time (each poll redraws, and the age is then under one interval); once the
 * last poll `since` is older than `freshForMs`, it ticks every second so a stall is visible at once.
 */
export function useStaleClock(since: number | undefined, freshForMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const tick = (): void => {
      setNow(Date.now());
      timer = setTimeout(tick, 1000);
    };
    timer = setTimeout(tick, Math.max(0, (since ?? Date.now()) + freshForMs - Date.now()));
    return () => clearTimeout(timer);
  }, [since, freshForMs]);
  return Math.max(now, since ?? 0);
}
