// Where the emulator delivers events: `--event-target <url|exec:command>` (every IVS event), and an
// `--event-rules <file>` that pairs EventBridge patterns with targets, like rules on a bus. The format
// is documented in docs/events.md ("Delivering events"); its retry policy takes EventBridge's names.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compilePattern, PatternError, type CompiledPattern } from './pattern.js';
import { parseDuration, FaultSpecError } from './faults.js';

export type TargetSpec =
  /** POSTed the envelope alone, like an EventBridge API destination. */
  | { kind: 'http'; url: string }
  /** Run once per event with the envelope on stdin, like an asynchronously invoked Lambda function. */
  | { kind: 'command'; command: string; timeoutMs: number }
  /** Called in-process with the envelope (the test fixture's function targets); a throw or rejection is a failed delivery. */
  | { kind: 'function'; name: string; invoke: (event: Record<string, unknown>) => unknown };

export interface Target {
  /** Stable across restarts while the configuration stays the same (names the target in logs and dead letters). */
  id: string;
  rule: string;
  spec: TargetSpec;
  pattern: CompiledPattern;
}

/** EventBridge's RetryPolicy: MaximumRetryAttempts (0-185) and MaximumEventAgeInSeconds (60-86400). */
export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeMs: number;
}

/** EventBridge's defaults: 185 retries over at most 24 hours. */
export const DEFAULT_RETRY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeMs: 24 * 3_600_000 };

export interface DeliveryConfig {
  targets: Target[];
  retry: RetryPolicy;
  /** NDJSON file that receives events whose delivery failed for good. */
  deadLetterFile?: string;
  /** Deliveries in flight per target (default 10); 1 delivers strictly in commit order. */
  concurrency?: number;
}

export class RulesError extends Error {}

/** The rule that `--event-target` flags belong to: every event the emulator emits. */
export const FLAG_RULE = 'event-target';
export const ALL_IVS_EVENTS = { source: ['aws.ivs'] };
/** A command target's limit unless its rule sets one (Lambda's default is 3 s; handlers here often start a runtime). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
const EXEC_PREFIX = 'exec:';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function httpUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RulesError(`${where} must be an http:// or https:// URL, or exec:<command>, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RulesError(`${where} must be an http:// or https:// URL, got "${text}"`);
  return url.toString();
}

/** `--event-target`: a URL, or `exec:<command>` run by the shell. */
export function parseTargetFlag(text: string, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): TargetSpec {
  if (text.startsWith(EXEC_PREFIX)) {
    const command = text.slice(EXEC_PREFIX.length).trim();
    if (!command) throw new RulesError('--event-target exec: needs a command, e.g. exec:"node handler.js"');
    return { kind: 'command', command, timeoutMs };
  }
  return { kind: 'http', url: httpUrl(text, '--event-target') };
}

/**
 * Text with the password of every URL in it (`https://user:secret@host/`, how a webhook takes Basic auth) replaced
 * by `***`: for what the emulator logs and shows, which must not carry a target's secret.
 */
export function hideUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi, '$1:***@');
}

/** How a target is named in logs, dead letters and the fixture: its URL, `exec:<command>` or `function:<name>`. */
export function describeTarget(spec: TargetSpec): string {
  if (spec.kind === 'function') return `function:${spec.name}`;
  return spec.kind === 'http' ? spec.url : `${EXEC_PREFIX}${spec.command}`;
}

function targetOf(value: unknown, where: string): TargetSpec {
  if (typeof value === 'string') return parseTargetFlag(value);
  if (!isObject(value)) throw new RulesError(`${where} must be a URL, exec:<command>, {"url": ...} or {"command": ..., "timeoutSeconds": ...}`);
  const keys = Object.keys(value).filter((k) => k !== 'timeoutSeconds');
  if (keys.length !== 1 || (keys[0] !== 'url' && keys[0] !== 'command')) throw new RulesError(`${where} must have exactly one of "url" or "command"`);
  if (value.url !== undefined) {
    if (typeof value.url !== 'string') throw new RulesError(`${where}.url must be a string`);
    if (value.timeoutSeconds !== undefined) throw new RulesError(`${where}.timeoutSeconds applies to command targets only`);
    return { kind: 'http', url: httpUrl(value.url, `${where}.url`) };
  }
  if (typeof value.command !== 'string' || value.command.trim() === '') throw new RulesError(`${where}.command must be a non-empty string`);
  const seconds = value.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_MS / 1000;
  if (typeof seconds !== 'number' || !(seconds > 0 && seconds <= 900)) throw new RulesError(`${where}.timeoutSeconds must be a number more than 0 and at most 900 (Lambda's limit)`);
  return { kind: 'command', command: value.command, timeoutMs: Math.round(seconds * 1000) };
}

export function target(rule: string, spec: TargetSpec, pattern: CompiledPattern): Target {
  return { id: `${rule}:${describeTarget(spec)}`, rule, spec, pattern };
}

export function retryOf(value: unknown, where: string): RetryPolicy {
  if (!isObject(value)) throw new RulesError(`${where} must be an object`);
  const retry = { ...DEFAULT_RETRY };
  for (const [key, v] of Object.entries(value)) {
    if (key === 'maximumRetryAttempts') {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 185) throw new RulesError(`${where}.maximumRetryAttempts must be an integer from 0 to 185`);
      retry.maximumRetryAttempts = v as number;
    } else if (key === 'maximumEventAgeInSeconds') {
      if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 86_400) throw new RulesError(`${where}.maximumEventAgeInSeconds must be an integer from 1 to 86400`);
      retry.maximumEventAgeMs = (v as number) * 1000;
    } else throw new RulesError(`${where}: unknown field "${key}" (use maximumRetryAttempts, maximumEventAgeInSeconds)`);
  }
  return retry;
}

interface RulesFile {
  targets: Target[];
  retry?: RetryPolicy;
  deadLetterFile?: string;
  concurrency?: number;
}

/** Parses the text of an `--event-rules` file (`file` names it in messages). */
export function parseRules(text: string, file: string): RulesFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new RulesError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(doc)) throw new RulesError(`${file}: must be a JSON object with "rules"`);
  for (const key of Object.keys(doc)) {
    if (!['rules', 'retryPolicy', 'deadLetterFile', 'concurrencyPerTarget'].includes(key)) {
      throw new RulesError(`${file}: unknown field "${key}" (use rules, retryPolicy, deadLetterFile, concurrencyPerTarget)`);
    }
  }
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) throw new RulesError(`${file}: "rules" must be a non-empty list`);
  const names = new Set<string>();
  const targets: Target[] = [];
  doc.rules.forEach((rule, i) => {
    const where = `${file}: rules[${i}]`;
    if (!isObject(rule)) throw new RulesError(`${where} must be an object with name, pattern and targets`);
    const name = rule.name ?? `rule-${i + 1}`;
    if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) throw new RulesError(`${where}.name must be 1-64 letters, digits, '.', '-' or '_'`);
    if (names.has(name)) throw new RulesError(`${where}.name "${name}" is used by another rule`);
    names.add(name);
    let pattern: CompiledPattern;
    try {
      pattern = compilePattern(rule.pattern ?? ALL_IVS_EVENTS);
    } catch (error) {
      if (error instanceof PatternError) throw new RulesError(`${where}.pattern${error.path ? `.${error.path}` : ''}: ${error.rule}`);
      throw error;
    }
    if (!Array.isArray(rule.targets) || rule.targets.length === 0) throw new RulesError(`${where}.targets must be a non-empty list`);
    const ids = new Set<string>();
    rule.targets.forEach((t, j) => {
      const made = target(name, targetOf(t, `${where}.targets[${j}]`), pattern);
      if (ids.has(made.id)) throw new RulesError(`${where}.targets[${j}] repeats another target of the rule`);
      ids.add(made.id);
      targets.push(made);
    });
    for (const key of Object.keys(rule)) {
      if (!['name', 'pattern', 'targets'].includes(key)) throw new RulesError(`${where}: unknown field "${key}" (use name, pattern, targets)`);
    }
  });
  const deadLetterFile = doc.deadLetterFile;
  if (deadLetterFile !== undefined && (typeof deadLetterFile !== 'string' || deadLetterFile === '')) throw new RulesError(`${file}: deadLetterFile must be a file name`);
  const concurrency = doc.concurrencyPerTarget;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || (concurrency as number) < 1 || (concurrency as number) > 100)) {
    throw new RulesError(`${file}: concurrencyPerTarget must be an integer from 1 to 100`);
  }
  return { targets, retry: doc.retryPolicy === undefined ? undefined : retryOf(doc.retryPolicy, `${file}: retryPolicy`), deadLetterFile, concurrency: concurrency as number | undefined };
}

/** `--event-retry attempts=3,max-age=10m`. */
export function parseRetryFlag(text: string): RetryPolicy {
  const retry = { ...DEFAULT_RETRY };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    if (name === 'attempts') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 185) throw new RulesError(`--event-retry attempts must be an integer from 0 to 185, got "${value}"`);
      retry.maximumRetryAttempts = n;
    } else if (name === 'max-age') {
      try {
        retry.maximumEventAgeMs = parseDuration(value, '--event-retry max-age');
      } catch (error) {
        if (error instanceof FaultSpecError) throw new RulesError(error.message);
        throw error;
      }
      if (retry.maximumEventAgeMs < 1000 || retry.maximumEventAgeMs > DEFAULT_RETRY.maximumEventAgeMs) throw new RulesError('--event-retry max-age must be from 1s to 24h');
    } else throw new RulesError(`--event-retry: unknown setting "${name}" (use attempts=N, max-age=DURATION)`);
  }
  return retry;
}

/** The targets of `--event-target` flags: every IVS event goes to each. */
export function flagTargets(texts: readonly string[]): Target[] {
  const pattern = compilePattern(ALL_IVS_EVENTS);
  const seen = new Set<string>();
  return texts.map((text) => {
    const made = target(FLAG_RULE, parseTargetFlag(text), pattern);
    if (seen.has(made.id)) throw new RulesError(`--event-target ${text} is given twice`);
    seen.add(made.id);
    return made;
  });
}

interface DeliveryFlags {
  targets?: readonly string[];
  rulesFile?: string;
  retry?: string;
  deadLetterFile?: string;
}

/** The delivery configuration of `ivsrt local start`'s --event-* flags; RulesError names the flag or field at fault. */
export function deliveryConfig(flags: DeliveryFlags, defaultDeadLetterFile: string): DeliveryConfig {
  const targets = flagTargets(flags.targets ?? []);
  let fromFile: RulesFile | undefined;
  if (flags.rulesFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.rulesFile, 'utf8');
    } catch (error) {
      throw new RulesError(`--event-rules ${flags.rulesFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    fromFile = parseRules(text, flags.rulesFile);
    targets.push(...fromFile.targets);
  }
  const retry = flags.retry !== undefined ? parseRetryFlag(flags.retry) : (fromFile?.retry ?? DEFAULT_RETRY);
  // A relative dead-letter file in the rules file is relative to that file, as a person reading it expects.
  const fileDeadLetter = fromFile?.deadLetterFile === undefined ? undefined : resolve(dirname(flags.rulesFile!), fromFile.deadLetterFile);
  return { targets, retry, deadLetterFile: flags.deadLetterFile ?? fileDeadLetter ?? defaultDeadLetterFile, concurrency: fromFile?.concurrency };
}
