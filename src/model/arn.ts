/** The resource id at the end of an ARN (`…:stage/abcdABCD1234` → `abcdABCD1234`): what tables show, what every reference also accepts, and a token's `topic`. */
export function arnId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
