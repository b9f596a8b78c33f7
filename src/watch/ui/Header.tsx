import { Box, Text } from 'ink';
import type { PollStatus } from '../poller.js';
import { ago, clockTime } from './format.js';
import { useStaleClock } from './hooks.js';

export interface HeaderProps {
  title: string;
  /** The stage ARN, or a description of the all-stages view. */
  subtitle: string;
  session?: { id?: string; startTime?: Date; active: boolean };
  status: PollStatus;
  requestRate: number;
  /** The poll interval: within it (plus a second) the last poll is on time. */
  intervalMs: number;
  /** Where the requests go: "local emulator", an endpoint URL, or the AWS region and account. */
  where?: string;
}

/**
 * The header owns the clock ("polled 3s ago"), so only it redraws between polls, and only when a
 * poll is late; the tables below change when a poll lands.
 */
export function Header({ title, subtitle, session, status, requestRate, intervalMs, where }: HeaderProps) {
  const now = useStaleClock(status.lastSuccessAt, intervalMs + 1000);
  const line = session ? sessionLine(session.id, session.startTime, session.active, now) : undefined;
  const polled = status.lastSuccessAt === undefined ? 'not polled yet' : `polled ${ago(now - status.lastSuccessAt)}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>ivsrt watch</Text> <Text color="cyan" bold>{title}</Text>
        {where ? <Text color="magenta"> · {where}</Text> : null} <Text dimColor>{subtitle}</Text>
      </Text>
      <Text wrap="truncate">
        {line ? `${line} · ` : ''}
        {polled} · {requestRate.toFixed(1)} req/s
      </Text>
      <StatusLine status={status} now={now} />
    </Box>
  );
}

function StatusLine({ status, now }: { status: PollStatus; now: number }) {
  const error = status.lastError;
  if (status.state === 'paused') return <Text color="yellow">PAUSED · p resumes, r polls once</Text>;
  if (error && status.state === 'backoff') {
    const retry = status.nextRetryAt === undefined ? '' : ` · retry in ${Math.max(0, Math.ceil((status.nextRetryAt - now) / 1000))}s`;
    return (
      <Text color="red" wrap="truncate">
        {error.throttled ? 'throttled' : 'error'}: {error.name}: {error.message} · {status.consecutiveFailures} failed{retry}
      </Text>
    );
  }
  if (status.state === 'starting') return <Text dimColor>connecting…</Text>;
  // The help (?) explains this line: ok means the last poll answered; errors and throttling show here instead.
  return <Text color="green">ok</Text>;
}

function sessionLine(sessionId: string | undefined, startTime: Date | undefined, active: boolean, now: number): string {
  if (!sessionId) return 'no active session';
  const started = startTime ? ` started ${clockTime(startTime)} (${ago(now - startTime.getTime())})` : '';
  return `${active ? 'session' : 'last session (ended)'} ${sessionId}${started}`;
}
