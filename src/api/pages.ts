// The one way ivsrt follows nextToken, for the CLI's list verbs, name resolution, completion and
// watch alike. A service that hands back a token it already gave would otherwise be asked for the
// same pages forever (about 1,300 requests a second), so a repeated token ends the listing.

/** A list operation's response: its items under some key, and the token of the next page if any. */
export interface Paged {
  nextToken?: string;
}

export class RepeatedTokenError extends Error {
  constructor(readonly operation: string) {
    super(`${operation} returned a nextToken it had already returned, so listing stopped (the service would have repeated the same pages forever)`);
  }
}

/**
 * Yields page after page, starting at `startToken` (or the first page), until a page has no nextToken.
 * Throws RepeatedTokenError when a page repeats a token of this listing.
 */
export async function* pages<P extends Paged>(operation: string, fetchPage: (nextToken: string | undefined) => Promise<P>, startToken?: string): AsyncGenerator<P> {
  const seen = new Set<string>(startToken ? [startToken] : []);
  let nextToken = startToken;
  for (;;) {
    const page = await fetchPage(nextToken);
    yield page;
    if (!page.nextToken) return;
    if (seen.has(page.nextToken)) throw new RepeatedTokenError(operation);
    seen.add(page.nextToken);
    nextToken = page.nextToken;
  }
}

/** Every item of a listing, `maxPages` pages at most. */
export async function collectPages<T, P extends Paged>(
  operation: string,
  fetchPage: (nextToken: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
  maxPages = Infinity,
): Promise<T[]> {
  const all: T[] = [];
  let count = 0;
  for await (const page of pages(operation, fetchPage)) {
    all.push(...(items(page) ?? []));
    if (++count >= maxPages) break;
  }
  return all;
}
