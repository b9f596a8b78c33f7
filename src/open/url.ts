// Where the emulator serves the page of `ivsrt open` (src/emulator/open/serve.ts), for the CLI and the server alike.
export const OPEN_PREFIX = '/open/';

/** The page's URL on an emulator at origin `url`, with the token in the fragment (no request carries a fragment). */
export const openPageUrl = (url: string, token: string): string => `${url}${OPEN_PREFIX}#token=${token}`;
