// The build (scripts/build.mjs) defines __IVSRT_VERSION__ from package.json; unbundled runs (tests) report a dev version.
declare const __IVSRT_VERSION__: string;
export const VERSION = typeof __IVSRT_VERSION__ === 'string' ? __IVSRT_VERSION__ : '0.0.0-dev';
