// The nouns of `ivsrt <noun> <verb>`, in the order of `ivsrt --help`, with their summaries and help
// groups. Written by hand: a noun is rare, a verb is not (each verb file declares its own summary and
// place, and scripts/gen-registry.mjs lists it in commands/index.ts).
import type { Noun } from '../src/cli/command.js';

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
