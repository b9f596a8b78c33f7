import { scriptVerb } from './shared.js';

export const verb = scriptVerb('zsh');
