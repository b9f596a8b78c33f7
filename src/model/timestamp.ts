/**
 * Timestamps in the form the service's documented responses show and the AWS CLI prints
 * (`2023-04-26T20:30:29.602000+00:00`, or `2023-04-26T20:36:29+00:00` on a whole second): valid
 * ISO-8601 that every SDK parses, and identical whether `aws` (v1 prints it as received, v2
 * re-formats it this way) or `ivsrt --json` prints it.
 */
export function formatTimestamp(time: Date | number): string {
  const date = typeof time === 'number' ? new Date(time) : time;
  const millis = date.getUTCMilliseconds();
  return `${date.toISOString().slice(0, 19)}${millis ? `.${String(millis).padStart(3, '0')}000` : ''}+00:00`;
}
