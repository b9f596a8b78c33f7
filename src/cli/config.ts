// Where requests go and as whom, resolved the way the AWS CLI does it (flag > environment > config file),
// plus ivsrt's own rule: with no AWS configuration at all, the embedded local emulator is the default.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegion } from '../model/arn.js';
import { ConfigError, UsageError } from './errors.js';

export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  local?: boolean;
  json?: boolean;
  query?: string;
  debug?: boolean;
  color?: boolean;
  cliConnectTimeout?: string;
  cliReadTimeout?: string;
}

export interface Target {
  kind: 'aws' | 'endpoint' | 'local';
  region: string;
  profile?: string;
  endpoint?: string;
  /** Why the local emulator was chosen, for a notice on a terminal. */
  note?: string;
}

const DEFAULT_LOCAL_REGION = 'us-east-1';

type IniSections = Record<string, Record<string, string | undefined> | undefined>;

async function loadProfiles(env: NodeJS.ProcessEnv): Promise<{ config: IniSections; credentials: IniSections }> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const files = await loadSharedConfigFiles({
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
    configFilepath: env.AWS_CONFIG_FILE,
  });
  return { config: files.configFile as IniSections, credentials: files.credentialsFile as IniSections };
}

function awsConfigPresent(env: NodeJS.ProcessEnv): boolean {
  const keys = ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE'];
  if (keys.some((k) => env[k])) return true;
  const home = env.HOME || homedir();
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  return existsSync(configFile) || existsSync(credentialsFile);
}

export function endpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  // The serviceId is "IVS RealTime", which the SDKs' rule turns into AWS_ENDPOINT_URL_IVS_REALTIME.
  return env.AWS_ENDPOINT_URL_IVS_REALTIME || env.AWS_ENDPOINT_URL || undefined;
}

export async function resolveTarget(globals: GlobalOptions, env: NodeJS.ProcessEnv, startLocal: () => Promise<string>): Promise<Target> {
  const explicitProfile = globals.profile || env.AWS_PROFILE || undefined;
  let region = globals.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;

  if (explicitProfile !== undefined || region === undefined) {
    const needProfile = explicitProfile !== undefined;
    const profile = explicitProfile ?? 'default';
    let files: { config: IniSections; credentials: IniSections } | undefined;
    try {
      files = await loadProfiles(env);
    } catch (error) {
      if (needProfile) throw new ConfigError(`could not read the AWS config files: ${(error as Error).message}`);
    }
    if (files) {
      const section = files.config[profile];
      if (needProfile && !section && !files.credentials[profile]) {
        throw new ConfigError(`the config profile (${profile}) could not be found`, 'List your profiles with `aws configure list-profiles`, or fix --profile / AWS_PROFILE.');
      }
      region ??= section?.region;
    }
  }

  if (region !== undefined && !isRegion(region)) {
    // Else the SDK's own refusal ("Region not accepted: ... not a valid hostname component") ended the run with 255.
    throw new ConfigError(`the region "${region}" is not a region name such as us-east-1`, 'Fix --region, AWS_REGION / AWS_DEFAULT_REGION, or the region of your profile.');
  }

  const endpoint = globals.endpointUrl ?? endpointFromEnv(env);
  if (endpoint !== undefined) {
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new ConfigError(`invalid endpoint URL "${endpoint}": must be an http:// or https:// URL`);
    }
    return { kind: 'endpoint', region: region ?? DEFAULT_LOCAL_REGION, profile: explicitProfile, endpoint };
  }

  const wantLocal = globals.local || env.IVSRT_LOCAL === '1' || (!awsConfigPresent(env) && globals.region === undefined && explicitProfile === undefined);
  if (wantLocal) {
    const note = globals.local || env.IVSRT_LOCAL === '1' ? undefined : 'No AWS configuration found: using the local IVS emulator (pass --region/--profile to use AWS).';
    return { kind: 'local', region: region ?? DEFAULT_LOCAL_REGION, endpoint: await startLocal(), note };
  }

  if (!region) {
    throw new ConfigError('you must specify a region', 'Pass --region, set AWS_REGION, or run `aws configure`; use --local for the local emulator.');
  }
  return { kind: 'aws', region, profile: explicitProfile };
}

/** How long a request may take, in milliseconds; 0 waits forever (the AWS CLI's --cli-*-timeout). */
export interface Timeouts {
  connectMs: number;
  readMs: number;
}

/** The AWS CLI's default for both timeouts, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 60;

function seconds(text: string, flag: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number of seconds, 0 or more (0 waits forever), got "${text}"`);
  }
  return Math.round(value * 1000);
}

/**
 * --cli-connect-timeout / --cli-read-timeout, else the profile's cli_connect_timeout / cli_read_timeout
 * (as the AWS CLI names them), else 60 s each. The profile is read only when a flag is missing and AWS
 * config files exist, so the local emulator's commands never pay for it.
 */
export async function resolveTimeouts(globals: GlobalOptions, env: NodeJS.ProcessEnv): Promise<Timeouts> {
  let connect = globals.cliConnectTimeout !== undefined ? seconds(globals.cliConnectTimeout, '--cli-connect-timeout') : undefined;
  let read = globals.cliReadTimeout !== undefined ? seconds(globals.cliReadTimeout, '--cli-read-timeout') : undefined;
  if ((connect === undefined || read === undefined) && awsConfigPresent(env)) {
    const profile = globals.profile || env.AWS_PROFILE || 'default';
    const section = await loadProfiles(env).then((files) => files.config[profile], () => undefined);
    if (connect === undefined && section?.cli_connect_timeout !== undefined) connect = seconds(section.cli_connect_timeout, `cli_connect_timeout in profile ${profile}`);
    if (read === undefined && section?.cli_read_timeout !== undefined) read = seconds(section.cli_read_timeout, `cli_read_timeout in profile ${profile}`);
  }
  return { connectMs: connect ?? DEFAULT_TIMEOUT_SECONDS * 1000, readMs: read ?? DEFAULT_TIMEOUT_SECONDS * 1000 };
}
