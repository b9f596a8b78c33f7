// --query: a JMESPath expression applied to the result, as the AWS CLI applies it. The AWS CLI evaluates
// with jmespath.py, where max_by and min_by take number or string keys, so that
// `max_by(participants, &firstJoinTime)` finds the latest participant (ISO 8601 timestamps are strings and
// sort as text). jmespath.js, which ivsrt uses (it also orders strings with < and >, as jmespath.py does),
// compares their keys with -Infinity and Infinity, so every string key loses and the answer is null.
// So max_by and min_by are spelt with its sort_by, which takes string keys, before it evaluates them.
import type * as Jmespath from 'jmespath';
import { UsageError } from '../errors.js';
import { toPlain } from './format.js';

declare module 'jmespath' {
  // jmespath.js exports these as well; @types/jmespath leaves them out.
  /** The expression's tokens, each with its type (UnquotedIdentifier, Lparen, Comma, ...) and its offset. */
  export function tokenize(expression: string): { type: string; value: string; start: number }[];
  /** Parses the expression, throwing the library's ParserError or LexerError where it is not JMESPath. */
  export function compile(expression: string): unknown;
}

type Token = ReturnType<typeof Jmespath.tokenize>[number];

const OPENS = new Set(['Lparen', 'Lbracket', 'Lbrace', 'Filter']);
const CLOSES = new Set(['Rparen', 'Rbracket', 'Rbrace']);

/**
 * `expression` with each max_by(A, K) as sort_by(reverse(A), K)[-1] and each min_by(A, K) as
 * sort_by(A, K)[0]: the same element as jmespath.py picks (the first of equal keys: sort_by is stable, and
 * the reversed array puts the first of equal maxima last), null for an empty array, and an error for keys
 * that are neither all numbers nor all strings. Found with the library's own tokenizer, so a name inside a
 * string or a literal is left alone.
 */
export function withStringKeysByFunctions(expression: string, tokenize: typeof Jmespath.tokenize): string {
  const tokens = tokenize(expression);
  const at = tokens.findIndex((t, i) => t.type === 'UnquotedIdentifier' && (t.value === 'max_by' || t.value === 'min_by') && tokens[i + 1]?.type === 'Lparen');
  if (at < 0) return expression;
  const call = spanOfCall(tokens, at + 1);
  if (!call) return expression;
  const [first, second] = call.commas.length === 1 ? [expression.slice(call.open + 1, call.commas[0]), expression.slice(call.commas[0]! + 1, call.close)] : [];
  if (first === undefined || second === undefined) return expression;
  const array = withStringKeysByFunctions(first.trim(), tokenize);
  const key = withStringKeysByFunctions(second.trim(), tokenize);
  const spelt = tokens[at]!.value === 'max_by' ? `sort_by(reverse(${array}), ${key})[-1]` : `sort_by(${array}, ${key})[0]`;
  const rest = expression.slice(call.close + 1);
  return `${expression.slice(0, tokens[at]!.start)}${spelt}${withStringKeysByFunctions(rest, tokenize)}`;
}

/** Where the call whose '(' is tokens[open] opens and closes, and where its top-level commas are (offsets in the text). */
function spanOfCall(tokens: Token[], open: number): { open: number; close: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (OPENS.has(token.type)) depth++;
    else if (CLOSES.has(token.type)) depth--;
    else if (token.type === 'Comma' && depth === 1) commas.push(token.start);
    if (depth === 0) return { open: tokens[open]!.start, close: token.start, commas };
  }
  return undefined;
}

/** The result of `expression` on `data` (timestamps as the text they print as), or a UsageError saying what is wrong with it. */
export async function applyQuery(expression: string, data: unknown): Promise<unknown> {
  const jmespath = (await import('jmespath')).default ?? (await import('jmespath'));
  let result: unknown;
  try {
    // Parsed as written first, so that a syntax error names the user's own text and columns.
    jmespath.compile(expression);
    result = jmespath.search(toPlain(data) as never, withStringKeysByFunctions(expression, jmespath.tokenize));
  } catch (error) {
    // The library explains syntax it rejects (ParserError, LexerError...), but some malformed input
    // makes it fail inside with a TypeError whose text would only confuse.
    const { name, message } = error as Error;
    const reason = /^[A-Z]\w*Error$/.test(name) && name !== 'TypeError' && name !== 'RangeError' ? message : 'not a valid JMESPath expression';
    throw new UsageError(`bad value for --query ${expression}: ${reason}`);
  }
  // A path that starts with a key the result never has is a typo (`--query token` for
  // `participantToken.token`), not an absent value: say so rather than print nothing and succeed.
  const first = /^\s*([A-Za-z_]\w*)\s*(?:$|[.[|])/.exec(expression)?.[1];
  if (result === null && first && data && typeof data === 'object' && !Array.isArray(data) && !(first in data)) {
    throw new UsageError(`--query ${expression} matches nothing: the result has no "${first}"`, `Its top-level keys: ${Object.keys(data).join(', ') || '(none)'}.`);
  }
  return result;
}
