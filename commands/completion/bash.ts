import { scriptVerb } from './shared.js';

export const verb = scriptVerb('bash', { summary: 'Print the bash completion script', order: 10 });
