// Tags on every resource type (the model gives each a `tags` member; TagResource works on all of them).
import { notFound, validationError } from '../../state/errors.js';
import type { Emulator } from '../../domain/emulator.js';
import type { ArnKind, Op, Tags } from '../../state/store.js';
import { kindOfArn, refuseReservedTagKeys, type Handler, type Handlers } from './common.js';

const MAX_TAGS = 50;

function resource(emu: Emulator, arn: string): { kind: ArnKind; rec: { arn: string; tags: Tags } } {
  const kind = kindOfArn(emu, arn);
  if (!kind) throw notFound(`resource ${arn} was not found`);
  return { kind, rec: emu.find(kind, arn) };
}

function retag(emu: Emulator, arn: string, change: (tags: Tags) => Tags): void {
  const { kind, rec } = resource(emu, arn);
  const tags = change({ ...rec.tags });
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) throw validationError(`1 validation error detected: a resource can have at most ${MAX_TAGS} tags (this would make ${count})`);
  emu.mutate([{ k: kind, v: { ...rec, tags } } as Op]);
}

const tagResource: Handler<'TagResource'> = (emu, input) => {
  refuseReservedTagKeys(Object.keys(input.tags));
  retag(emu, input.resourceArn, (tags) => ({ ...tags, ...(input.tags as Tags) }));
  return {};
};

const untagResource: Handler<'UntagResource'> = (emu, input) => {
  refuseReservedTagKeys(input.tagKeys);
  retag(emu, input.resourceArn, (tags) => {
    for (const key of input.tagKeys as string[]) delete tags[key];
    return tags;
  });
  return {};
};

const listTagsForResource: Handler<'ListTagsForResource'> = (emu, input) => ({ tags: resource(emu, input.resourceArn).rec.tags });

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const TAGS_HANDLERS = {
  ListTagsForResource: listTagsForResource,
  TagResource: tagResource,
  UntagResource: untagResource,
} satisfies Handlers;
