// The one registry of commands: it drives commander, help, completion and the docs. Verb modules are
// imported only when that verb runs (or when help/completion needs every flag), which keeps start-up fast.
import type { VerbModule } from '../src/cli/command.js';

export interface Noun {
  name: string;
  summary: string;
  /** Group heading in `ivsrt --help`. */
  group: 'Stages' | 'Media' | 'Configuration' | 'Local' | 'Tools';
}

export interface Entry {
  /** [noun, verb], or [command] for a top-level command such as `watch`. */
  path: string[];
  summary: string;
  aliases?: string[];
  hidden?: boolean;
  load: () => Promise<VerbModule>;
}

export const NOUNS: Noun[] = [
  { name: 'stage', summary: 'Create, inspect, update and delete stages', group: 'Stages' },
  { name: 'token', summary: 'Create, sign and decode participant tokens', group: 'Stages' },
  { name: 'session', summary: 'List and inspect stage sessions', group: 'Stages' },
  { name: 'participant', summary: 'See who is on a stage, their events, and disconnect them', group: 'Stages' },
  { name: 'replication', summary: 'Replicate a participant into another stage', group: 'Stages' },
  { name: 'composition', summary: 'Start and stop server-side compositions', group: 'Media' },
  { name: 'encoder-config', summary: 'Manage encoder configurations for compositions', group: 'Media' },
  { name: 'storage-config', summary: 'Manage S3 storage configurations for recordings', group: 'Media' },
  { name: 'ingest-config', summary: 'Manage RTMP(S) ingest configurations', group: 'Media' },
  { name: 'public-key', summary: 'Manage public keys for self-signed participant tokens', group: 'Configuration' },
  { name: 'tag', summary: 'List, add and remove tags on any resource', group: 'Configuration' },
  { name: 'local', summary: 'Run and drive the local IVS real-time emulator', group: 'Local' },
  { name: 'events', summary: "Tail, sample and send IVS's EventBridge events", group: 'Tools' },
  { name: 'completion', summary: 'Print shell completion scripts for bash, zsh and fish', group: 'Tools' },
];

export const COMMANDS: Entry[] = [
  { path: ['__docs'], summary: 'Print the command reference as Markdown', hidden: true, load: () => import('./docs/reference.js') },
  { path: ['local', 'start'], summary: 'Run the local emulator in the foreground', load: () => import('./local/start.js') },
  { path: ['local', 'stop'], summary: 'Stop the background local emulator', load: () => import('./local/stop.js') },
  { path: ['local', 'status'], summary: 'Show whether the background local emulator runs, where, and what it holds', load: () => import('./local/status.js') },
  { path: ['local', 'reset'], summary: 'Delete all state of the local emulator', load: () => import('./local/reset.js') },
  { path: ['local', 'export'], summary: "Print the local emulator's configured state as a seed file", load: () => import('./local/export.js') },
  { path: ['local', 'join'], summary: 'Join a simulated participant to a stage, with a token or directly', load: () => import('./local/join.js') },
  { path: ['local', 'leave'], summary: 'Make a simulated participant leave its stage', load: () => import('./local/leave.js') },
  { path: ['local', 'publish'], summary: 'Make a simulated participant start publishing', load: () => import('./local/publish.js') },
  { path: ['local', 'unpublish'], summary: 'Make a simulated participant stop publishing', load: () => import('./local/unpublish.js') },
  { path: ['local', 'simulate'], summary: 'Keep a churning crowd of simulated participants on a stage', load: () => import('./local/simulate.js') },
  { path: ['local', 'clock'], summary: "Show or advance the local emulator's clock", load: () => import('./local/clock.js') },
  { path: ['events', 'tail'], summary: 'Print IVS events live, from the emulator or from AWS (a temporary rule and queue)', load: () => import('./events/tail.js') },
  { path: ['events', 'sample'], summary: 'Print a realistic EventBridge envelope of an IVS event', load: () => import('./events/sample.js') },
  { path: ['events', 'send'], summary: 'Send one IVS event to your handler (a URL or a command)', load: () => import('./events/send.js') },
  { path: ['stage', 'create'], summary: 'Create a stage, optionally with participant tokens', load: () => import('./stage/create.js') },
  { path: ['stage', 'get'], summary: 'Show a stage', load: () => import('./stage/get.js') },
  { path: ['stage', 'update'], summary: 'Rename a stage or change its recording configuration', load: () => import('./stage/update.js') },
  { path: ['stage', 'delete'], summary: 'Delete a stage, disconnecting everyone on it', load: () => import('./stage/delete.js') },
  { path: ['stage', 'list'], summary: 'List stages', aliases: ['ls'], load: () => import('./stage/list.js') },
  { path: ['token', 'sign'], summary: 'Sign a participant token with your own key, offline where possible', load: () => import('./token/sign.js') },
  { path: ['token', 'decode'], summary: 'Show the header, claims and expiry of any participant token', load: () => import('./token/decode.js') },
  { path: ['token', 'create'], summary: 'Ask IVS for a participant token for a stage', load: () => import('./token/create.js') },
  { path: ['session', 'list'], summary: 'List the sessions of a stage', aliases: ['ls'], load: () => import('./session/list.js') },
  { path: ['session', 'get'], summary: "Show a session (default: the stage's active one)", load: () => import('./session/get.js') },
  { path: ['participant', 'list'], summary: 'List the participants of a session, with one filter', aliases: ['ls'], load: () => import('./participant/list.js') },
  { path: ['participant', 'get'], summary: 'Show a participant: state, protocol, client, recording, replication', load: () => import('./participant/get.js') },
  { path: ['participant', 'events'], summary: 'List what a participant did in a session', load: () => import('./participant/events.js') },
  { path: ['participant', 'disconnect'], summary: 'Disconnect a participant and revoke their token', load: () => import('./participant/disconnect.js') },
  { path: ['replication', 'start'], summary: 'Replicate a publishing participant into another stage', load: () => import('./replication/start.js') },
  { path: ['replication', 'stop'], summary: 'Stop replicating a participant into a stage', load: () => import('./replication/stop.js') },
  { path: ['replication', 'list'], summary: 'List where a participant is replicated', aliases: ['ls'], load: () => import('./replication/list.js') },
  { path: ['composition', 'start'], summary: 'Start compositing a stage to a channel and/or an S3 recording', load: () => import('./composition/start.js') },
  { path: ['composition', 'stop'], summary: 'Stop a composition', load: () => import('./composition/stop.js') },
  { path: ['composition', 'get'], summary: 'Show a composition, its layout and destinations', load: () => import('./composition/get.js') },
  { path: ['composition', 'list'], summary: 'List compositions and the state of their destinations', aliases: ['ls'], load: () => import('./composition/list.js') },
  { path: ['encoder-config', 'create'], summary: 'Create an encoder configuration (resolution, framerate, bitrate)', load: () => import('./encoder-config/create.js') },
  { path: ['encoder-config', 'get'], summary: 'Show an encoder configuration', load: () => import('./encoder-config/get.js') },
  { path: ['encoder-config', 'delete'], summary: 'Delete an encoder configuration', load: () => import('./encoder-config/delete.js') },
  { path: ['encoder-config', 'list'], summary: 'List encoder configurations', aliases: ['ls'], load: () => import('./encoder-config/list.js') },
  { path: ['storage-config', 'create'], summary: 'Create a storage configuration for an S3 bucket', load: () => import('./storage-config/create.js') },
  { path: ['storage-config', 'get'], summary: 'Show a storage configuration', load: () => import('./storage-config/get.js') },
  { path: ['storage-config', 'delete'], summary: 'Delete a storage configuration', load: () => import('./storage-config/delete.js') },
  { path: ['storage-config', 'list'], summary: 'List storage configurations', aliases: ['ls'], load: () => import('./storage-config/list.js') },
  { path: ['ingest-config', 'create'], summary: 'Create an RTMP(S) ingest configuration and its stream key', load: () => import('./ingest-config/create.js') },
  { path: ['ingest-config', 'get'], summary: 'Show an ingest configuration (stream key hidden unless asked)', load: () => import('./ingest-config/get.js') },
  { path: ['ingest-config', 'update'], summary: 'Attach an ingest configuration to another stage, or detach it', load: () => import('./ingest-config/update.js') },
  { path: ['ingest-config', 'delete'], summary: 'Delete an ingest configuration', load: () => import('./ingest-config/delete.js') },
  { path: ['ingest-config', 'list'], summary: 'List ingest configurations, by stage or by state', aliases: ['ls'], load: () => import('./ingest-config/list.js') },
  { path: ['public-key', 'create'], summary: 'Make a key pair, keep the private key in a file, import the public key', load: () => import('./public-key/create.js') },
  { path: ['public-key', 'import'], summary: 'Import a public key you made for self-signed tokens', load: () => import('./public-key/import.js') },
  { path: ['public-key', 'get'], summary: 'Show a public key', load: () => import('./public-key/get.js') },
  { path: ['public-key', 'delete'], summary: 'Delete a public key; tokens signed with it stop working', load: () => import('./public-key/delete.js') },
  { path: ['public-key', 'list'], summary: 'List public keys', aliases: ['ls'], load: () => import('./public-key/list.js') },
  { path: ['tag', 'list'], summary: 'Show the tags of any resource', aliases: ['ls'], load: () => import('./tag/list.js') },
  { path: ['tag', 'add'], summary: 'Add tags to any resource', load: () => import('./tag/add.js') },
  { path: ['tag', 'remove'], summary: 'Remove tags from any resource by key', load: () => import('./tag/remove.js') },
  { path: ['completion', 'bash'], summary: 'Print the bash completion script', load: () => import('./completion/bash.js') },
  { path: ['completion', 'zsh'], summary: 'Print the zsh completion script', load: () => import('./completion/zsh.js') },
  { path: ['completion', 'fish'], summary: 'Print the fish completion script', load: () => import('./completion/fish.js') },
  { path: ['watch'], summary: 'Watch a stage (or every stage) live: participants, compositions, sessions, events', load: () => import('./watch/index.js') },
  { path: ['demo'], summary: 'Start the emulator, fill a stage with simulated participants and watch them live', load: () => import('./demo/demo.js') },
];
