export interface Member {
  shape: string;
  /** Where the member travels when it is not in the JSON body. */
  location?: 'uri' | 'querystring' | 'header';
  locationName?: string;
  /** SDKs fill these in with a UUID when the caller leaves them out. */
  idempotencyToken?: boolean;
}

export type Shape =
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: string[]; sensitive?: boolean }
  | { type: 'integer' | 'float'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'list'; member: string; min?: number; max?: number }
  | { type: 'map'; key: string; value: string; min?: number; max?: number }
  | { type: 'structure'; members: Record<string, Member>; required?: string[] };

export interface Operation {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  input: string;
  output: string;
  errors: string[];
}
