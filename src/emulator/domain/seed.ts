// Seeds: the emulator's configured state (stages, encoder/storage/ingest configurations, public keys and
// their tags) as one JSON document. A seed lists each resource exactly as its Get* operation returns it,
// so `ivsrt local export` is the Get* views, and loading checks each entry against the same model shape.
// Runtime state (sessions, participants, compositions, an ingest's ACTIVE state) is not part of a seed.
import type { Seed } from './seed-document.js';
import type { Emulator } from './emulator.js';
import { fingerprint, parseP384 } from './public-keys.js';
import { video } from './configurations.js';
import { streamKey } from './ingest.js';
import { autoRecording } from './stages.js';
import { newHostLabel, newResourceId, parseArn } from './ids.js';
import { ARN_KINDS, RESOURCES, type ArnType } from '../../model/resources.js';
import type { ArnKind, EncoderConfigurationRec, IngestConfigurationRec, Op, PublicKeyRec, StageRec, Store, StorageConfigurationRec } from '../state/store.js';
import { describeViolations, validateShape } from '../../model/validate.js';
import { checkAttributesSize } from './validation.js';
import { encoderView, ingestView, publicKeyView, stageView, storageView } from './views.js';

/** A seed that cannot be loaded; the message names the entry and the field. */
class SeedError extends Error {
  override name = 'SeedError';
}

interface Section {
  field: keyof Omit<Seed, 'ivsrtSeed'>;
  /** The model shape each entry must match (the Get* output shape). */
  shape: string;
  kind: ArnKind;
  arnType: ArnType;
  quota: keyof Emulator['quotas'];
}

/** The kinds a seed holds (src/model/resources.ts `seed`), in dependency order. */
const SECTIONS: Section[] = ARN_KINDS.flatMap((kind) => {
  const { arnType, ...declared } = RESOURCES[kind];
  if (!('seed' in declared)) return [];
  const { key, shape, quota } = declared.seed;
  return [{ field: key, shape, kind, arnType, quota }];
});

/** Members of the Get* views that describe runtime state, not configuration. */
const RUNTIME_MEMBERS: Partial<Record<Section['field'], string[]>> = { stages: ['activeSessionId'], ingestConfigurations: ['state'] };
/** Members the Get* shape requires that a seed may leave out (they are generated, or runtime state). */
const GENERATED_MEMBERS: Partial<Record<ArnKind, string[]>> = { ingest: ['streamKey', 'participantId', 'stageArn', 'state'] };
/** A stage's WHIP endpoint in the service's form, or the emulator's own route (views.ts); group 1 or 2 is its host label. */
const WHIP_HOST = /^(?:https:\/\/([0-9a-f]{12})\.global-bm\.whip\.live-video\.net|https?:\/\/[^/]+\/whip\/([0-9a-f]{12}))$/;
const whipHost = (url: string | undefined): string | undefined => {
  const m = WHIP_HOST.exec(url ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
};

/** The emulator's configured state as a seed (what `ivsrt local export` prints). */
export function exportSeed(store: Store): Seed {
  const strip = (field: Section['field'], view: Record<string, unknown>): never => {
    for (const member of RUNTIME_MEMBERS[field] ?? []) delete view[member];
    return JSON.parse(JSON.stringify(view)) as never;
  };
  return {
    ivsrtSeed: 1,
    stages: [...store.stages.values()].map((s) => strip('stages', stageView(s))),
    encoderConfigurations: [...store.encoders.values()].map((e) => strip('encoderConfigurations', encoderView(e))),
    storageConfigurations: [...store.storages.values()].map((s) => strip('storageConfigurations', storageView(s))),
    ingestConfigurations: [...store.ingests.values()].map((i) => strip('ingestConfigurations', ingestView(i))),
    publicKeys: [...store.keys.values()].map((k) => strip('publicKeys', publicKeyView(k))),
  };
}

/** Reads a seed from JSON text; `source` names it in errors (a file name). */
export function parseSeed(text: string, source: string): Seed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return checkSeedShape(value, source);
}

function checkSeedShape(value: unknown, source: string): Seed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SeedError(`${source}: a seed must be a JSON object`);
  const record = value as Record<string, unknown>;
  if (record.ivsrtSeed !== 1) throw new SeedError(`${source}: ivsrtSeed must be 1 (the seed format's version), got ${JSON.stringify(record.ivsrtSeed) ?? 'nothing'}`);
  const known = new Set(['ivsrtSeed', ...SECTIONS.map((s) => s.field)]);
  for (const key of Object.keys(record)) {
    if (!known.has(key)) throw new SeedError(`${source}: ${key} is not a seed member (known: ${[...known].join(', ')})`);
  }
  for (const { field } of SECTIONS) {
    if (record[field] !== undefined && !Array.isArray(record[field])) throw new SeedError(`${source}: ${field} must be a list`);
  }
  return record as unknown as Seed;
}

/**
 * Loads `seed` into `emu`, in dependency order: configurations and keys, then stages (whose recording may
 * name a storage configuration), then ingest configurations (which name a stage). Every entry is checked
 * before anything changes, so a bad seed changes nothing. An entry whose resource exists replaces it.
 * Call it inside `emu.run`, which waits until the changes are stored, as for any request.
 */
export function loadSeed(emu: Emulator, input: unknown, source: string): void {
  const seed = checkSeedShape(input, source);
  const plan = planSeed(emu, seed, source);
  commit(emu, plan.leaves.map(({ section, entry, arn }) => leafOp(section, entry as SeedFields, arn)));
  commit(emu, plan.stages.map(({ entry, arn }) => stageOp(emu, entry as SeedFields, arn)));
  commit(emu, plan.ingests.map(({ entry, arn }) => ingestOp(emu, entry as SeedFields, arn)));
}

function commit(emu: Emulator, ops: Op[]): void {
  if (ops.length > 0) void emu.mutate(ops);
}

interface Planned {
  section: Section;
  entry: unknown;
  /** The ARN the entry gets in this emulator (its id kept, region and account the emulator's). */
  arn: string;
  where: string;
}

interface Plan {
  leaves: Planned[];
  stages: Planned[];
  ingests: Planned[];
  /** Every resource the seed will leave behind, by kind: the seed's own and the emulator's. */
  resolve(kind: ArnKind, reference: string, where: string): string;
}

function planSeed(emu: Emulator, seed: Seed, source: string): Plan {
  const planned: Planned[] = [];
  const seeded = new Map<ArnKind, Map<string, { arn: string; name: string }>>();
  for (const section of SECTIONS) {
    const entries = (seed[section.field] ?? []) as unknown[];
    const byArn = new Map<string, { arn: string; name: string }>();
    seeded.set(section.kind, byArn);
    entries.forEach((entry, i) => {
      const where = `${source}: ${section.field}[${i}]`;
      const arn = entryArn(emu, section, entry, where);
      if (byArn.has(arn)) throw new SeedError(`${where}: ${arn} appears twice in the seed`);
      byArn.set(arn, { arn, name: ((entry as { name?: string }).name ?? '') });
      planned.push({ section, entry, arn, where });
    });
    const existing = [...emu.store.byKind(section.kind).keys()].filter((arn) => !byArn.has(arn)).length;
    const limit = emu.quotas[section.quota];
    if (existing + byArn.size > limit) {
      throw new SeedError(`${source}: ${section.field} would number ${existing + byArn.size}, above the quota of ${limit} (raise it with the quotas option)`);
    }
  }
  const plan: Plan = {
    leaves: planned.filter((p) => p.section.kind !== 'stage' && p.section.kind !== 'ingest'),
    stages: planned.filter((p) => p.section.kind === 'stage'),
    ingests: planned.filter((p) => p.section.kind === 'ingest'),
    resolve(kind, reference, where) {
      const candidates = [...seeded.get(kind)!.values(), ...[...emu.store.byKind(kind).values()].map((r) => ({ arn: r.arn, name: (r as { name?: string }).name ?? '' }))];
      const id = parseArn(reference)?.id ?? reference;
      const byId = candidates.find((c) => parseArn(c.arn)!.id === id);
      if (byId) return byId.arn;
      const byName = [...new Set(candidates.filter((c) => c.name === reference).map((c) => c.arn))];
      if (byName.length === 1) return byName[0]!;
      throw new SeedError(`${where} ${byName.length > 1 ? `names ${byName.length} resources` : `names no ${kind === 'stage' ? 'stage' : 'storage configuration'} in the seed or the emulator`}: ${reference}`);
    },
  };
  for (const p of planned) {
    p.entry = withReferencesResolved(p, plan);
    checkEntry(p);
  }
  return plan;
}

/**
 * A seed entry's members, of whichever section: read only after validateShape has held the entry to its
 * own section's shape, so each member is there with its type when its section has it.
 */
type SeedFields = Entry<'stages'> & Entry<'encoderConfigurations'> & Entry<'storageConfigurations'> & Entry<'ingestConfigurations'> & Entry<'publicKeys'>;
type Entry<K extends Exclude<keyof Seed, 'ivsrtSeed'>> = NonNullable<Seed[K]>[number];

function entryArn(emu: Emulator, section: Section, entry: unknown, where: string): string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new SeedError(`${where} must be an object`);
  const given = (entry as { arn?: unknown }).arn;
  if (given === undefined) return emu.arn(section.arnType, newResourceId());
  const parsed = typeof given === 'string' ? parseArn(given) : undefined;
  if (!parsed || parsed.type !== section.arnType) throw new SeedError(`${where}.arn must be an ARN of a ${section.arnType}, got ${JSON.stringify(given)}`);
  return emu.arn(section.arnType, parsed.id);
}

/** The entry with the ARN, id or name it gives for its storage configuration or stage turned into this emulator's ARN. */
function withReferencesResolved({ section, entry, where }: Planned, plan: Plan): unknown {
  const e = entry as SeedFields;
  const recording = e.autoParticipantRecordingConfiguration;
  if (section.kind === 'stage' && recording?.storageConfigurationArn) {
    const field = `${where}.autoParticipantRecordingConfiguration.storageConfigurationArn`;
    return { ...e, autoParticipantRecordingConfiguration: { ...recording, storageConfigurationArn: plan.resolve('storage', recording.storageConfigurationArn, field) } };
  }
  if (section.kind === 'ingest' && e.stageArn) return { ...e, stageArn: plan.resolve('stage', e.stageArn, `${where}.stageArn`) };
  return entry;
}

function checkEntry({ section, entry, arn, where }: Planned): void {
  const runtime = RUNTIME_MEMBERS[section.field]?.find((member) => (entry as Record<string, unknown>)[member] !== undefined);
  if (runtime) throw new SeedError(`${where}.${runtime} is runtime state, not part of a seed`);
  const generated = GENERATED_MEMBERS[section.kind] ?? [];
  const problems = validateShape(section.shape, { ...(entry as object), arn }, { rejectUnknown: true }).filter(
    (v) => !(v.rule === 'is required' && generated.includes(v.path)),
  );
  if (problems.length > 0) throw new SeedError(`${where}: ${describeViolations(problems)}`);
  const e = entry as SeedFields;
  try {
    switch (section.kind) {
      case 'encoder':
        video(e.video);
        break;
      case 'key':
        parseP384(e.publicKeyMaterial);
        break;
      case 'stage': {
        const whip = e.endpoints?.whip;
        if (whip !== undefined && !whipHost(whip)) throw new SeedError(`${where}.endpoints.whip must be a stage's WHIP endpoint as GetStage shows it (its host label is 12 hex digits)`);
        break;
      }
      case 'ingest':
        checkAttributesSize('attributes', e.attributes);
        break;
    }
  } catch (error) {
    if (error instanceof SeedError) throw error;
    throw new SeedError(`${where}: ${(error as Error).message}`);
  }
}

const tagsOf = (e: SeedFields): Record<string, string> => ({ ...e.tags });

function leafOp(section: Section, e: SeedFields, arn: string): Op {
  const id = parseArn(arn)!.id;
  const name: string = e.name ?? '';
  switch (section.kind) {
    case 'encoder': {
      const v: EncoderConfigurationRec = { arn, id, name, video: video(e.video), tags: tagsOf(e) };
      return { k: 'encoder', v };
    }
    case 'storage': {
      // The model requires bucketName, and validateShape has held the entry to it.
      const v: StorageConfigurationRec = { arn, id, name, s3: { bucketName: e.s3.bucketName! }, tags: tagsOf(e) };
      return { k: 'storage', v };
    }
    default: {
      const v: PublicKeyRec = { arn, id, name, publicKeyMaterial: e.publicKeyMaterial, fingerprint: fingerprint(parseP384(e.publicKeyMaterial)), tags: tagsOf(e) };
      return { k: 'key', v };
    }
  }
}

function stageOp(emu: Emulator, e: SeedFields, arn: string): Op {
  const existing = emu.store.stages.get(arn);
  const v: StageRec = {
    arn,
    id: parseArn(arn)!.id,
    name: e.name ?? '',
    tags: tagsOf(e),
    host: whipHost(e.endpoints?.whip) ?? existing?.host ?? newHostLabel(),
    autoRecording: autoRecording(emu, e.autoParticipantRecordingConfiguration),
  };
  // A stage already live keeps its session; the seed changes its configuration only.
  if (existing?.activeSessionId) v.activeSessionId = existing.activeSessionId;
  if (existing?.revoked) v.revoked = existing.revoked;
  return { k: 'stage', v };
}

function ingestOp(emu: Emulator, e: SeedFields, arn: string): Op {
  const id = parseArn(arn)!.id;
  const redundantIngest: boolean = e.redundantIngest ?? false;
  const v: IngestConfigurationRec = {
    arn,
    id,
    name: e.name ?? '',
    ingestProtocol: e.ingestProtocol,
    // GetIngestConfiguration does not show insecureIngest; the service requires it for RTMP, and only there does it matter.
    insecureIngest: e.ingestProtocol === 'RTMP',
    streamKey: e.streamKey ?? streamKey(emu, id),
    stageArn: e.stageArn ?? '',
    participantId: e.participantId ?? newResourceId(),
    state: emu.store.ingests.get(arn)?.state ?? 'INACTIVE',
    redundantIngest,
    tags: tagsOf(e),
  };
  if (e.userId !== undefined) v.userId = e.userId;
  if (e.attributes !== undefined && Object.keys(e.attributes).length > 0) v.attributes = { ...e.attributes };
  if (redundantIngest) // A credential may leave out either member (the model's RedundantIngestCredential has both optional): made here, as for none.
    v.redundantIngestCredentials = e.redundantIngestCredentials?.map((c) => ({ participantId: c.participantId ?? newResourceId(), streamKey: c.streamKey ?? streamKey(emu, id) })) ?? [{ participantId: newResourceId(), streamKey: streamKey(emu, id) }];
  return { k: 'ingest', v };
}
