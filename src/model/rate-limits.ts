// The service's API call rate quotas ("IVS Service Quotas | Real-Time Streaming", User Guide): per
// operation, per account and region, not adjustable. The watch limiter paces itself by them and the
// emulator's --throttle enforces them.
export const DEFAULT_TPS = 5;

/** Operations whose quota differs from DEFAULT_TPS. */
export const SERVICE_TPS: Readonly<Record<string, number>> = {
  CreateParticipantToken: 50,
  ListTagsForResource: 10,
  TagResource: 10,
  UntagResource: 10,
  DeletePublicKey: 3,
  GetPublicKey: 3,
  ImportPublicKey: 3,
  ListPublicKeys: 3,
};

/** Requests per second the service allows for `operation` (the replication operations are not in the table: 5 assumed). */
export function tpsOf(operation: string): number {
  return Object.hasOwn(SERVICE_TPS, operation) ? SERVICE_TPS[operation]! : DEFAULT_TPS;
}
