import { scriptVerb } from './shared.js';

export const verb = scriptVerb('fish', { summary: 'Print the fish completion script', order: 30 });
