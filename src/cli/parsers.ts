// Flag text → request values. Every failure names the flag and the rule.
import { readFileSync } from 'node:fs';
import type { OptionSpec, Parser } from './command.js';
import { UsageError } from './errors.js';
import { readFlagFile } from './files.js';
import { flagName } from './request.js';

function splitShorthand(text: string): string[] {
  // Commas separate items; a backslash keeps one inside a value (`note=a\,b`).
  return text.split(/(?<!\\),/).map((part) => part.replace(/\\,/g, ',')).filter((part) => part !== '');
}

/**
 * The items of a list flag. An empty value (`--keys ''`, or a variable that expanded to nothing) is refused: it
 * would send an empty list (UntagResource refused it as if --keys were missing, after the request had gone).
 */
function listItems(flag: string, text: string): string[] {
  const items = splitShorthand(text);
  if (items.every((item) => item.trim() === '')) throw new UsageError(`${flag} must name at least one value, got "${text}"`);
  return items;
}

/**
 * An upper-cased enum value. A flag that fills a request member is checked against the model with the request; a
 * verb's own flag (local join --capabilities, open --capabilities) against its choices here, since what it feeds is
 * not a model operation and a typo came back as the emulator's refusal (254) rather than bad input (252).
 */
function chosen(option: OptionSpec, flag: string, text: string): string {
  const value = text.trim().toUpperCase();
  if (option.field === undefined && option.choices && !option.choices.some((choice) => choice.toUpperCase() === value)) {
    throw new UsageError(`${flag} must be one of ${option.choices.join(', ')}, got "${text}"`);
  }
  return value;
}

export function parseKeyValues(flag: string, text: string, previous?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...(previous ?? {}) };
  for (const pair of splitShorthand(text)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} must be key=value pairs separated by commas, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

export function parseValue(option: OptionSpec, parser: Parser, text: string, previous: unknown): unknown {
  const flag = flagName(option.flags);
  switch (parser) {
    case 'string':
      return text;
    case 'int': {
      if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
      return Number.parseInt(text, 10);
    }
    case 'float': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} must be a number, got "${text}"`);
      return value;
    }
    case 'boolean': {
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      throw new UsageError(`${flag} must be true or false, got "${text}"`);
    }
    case 'keyValues':
      return parseKeyValues(flag, text, previous as Record<string, string> | undefined);
    case 'list':
      return [...((previous as string[] | undefined) ?? []), ...listItems(flag, text)];
    case 'upperList':
      return [...((previous as string[] | undefined) ?? []), ...listItems(flag, text).map((v) => chosen(option, flag, v))];
    case 'upper':
      return chosen(option, flag, text);
    case 'items': {
      if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
      return Array.from({ length: Number.parseInt(text, 10) }, () => ({}));
    }
  }
}

/** --input file.json, --input file://file.json or --input - (standard input): the full request as JSON. */
export function parseInputFile(text: string): Record<string, unknown> {
  const raw = text === '-' ? readFileSync(0, 'utf8') : readFlagFile('--input', text);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--input must hold a JSON object (the request)');
  return value as Record<string, unknown>;
}
