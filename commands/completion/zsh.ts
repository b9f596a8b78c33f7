import { scriptVerb } from './shared.js';

export const verb = scriptVerb('zsh', { summary: 'Print the zsh completion script', order: 20 });
