// Operation name → handler, for all 39 operations of the model.
import type { OperationName } from '../../../model/api.js';
import type { Emulator } from '../../domain/emulator.js';
import type { Handler } from './common.js';
import { COMPOSITIONS_HANDLERS } from './compositions.js';
import { CONFIGS_HANDLERS } from './configs.js';
import { INGEST_HANDLERS } from './ingest.js';
import { PARTICIPANTS_HANDLERS } from './participants.js';
import { PUBLIC_KEYS_HANDLERS } from './public-keys.js';
import { STAGES_HANDLERS } from './stages.js';
import { TAGS_HANDLERS } from './tags.js';

// Every operation's handler, from each area's table: an operation missing from all of them fails the type check.
const TYPED: { [O in OperationName]: Handler<O> } = {
  ...COMPOSITIONS_HANDLERS,
  ...CONFIGS_HANDLERS,
  ...INGEST_HANDLERS,
  ...PARTICIPANTS_HANDLERS,
  ...PUBLIC_KEYS_HANDLERS,
  ...STAGES_HANDLERS,
  ...TAGS_HANDLERS,
};

/**
 * By operation name, for the server, which has checked the body against the operation's input shape
 * (validateInput) before it calls one: that check is what makes the body the handler's input type.
 */
export const HANDLERS = TYPED as unknown as Record<string, (emu: Emulator, input: Record<string, unknown>) => Record<string, unknown>>;
