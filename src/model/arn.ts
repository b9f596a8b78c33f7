/** The resource id at the end of an ARN (`…:stage/abcdABCD1234` → `abcdABCD1234`): what tables show, what every reference also accepts, and a token's `topic`. */
export function arnId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * A region name as ARNs carry it (the model's `[a-z0-9-]+`) and endpoints' host names take it: us-east-1, eu-west-1.
 * The emulator writing another into its ARNs would fail every call naming them; the SDK refuses another for a request.
 */
export const isRegion = (value: string): boolean => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value);
