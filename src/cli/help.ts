import type { AnyVerb, Noun, Registry } from './command.js';

const GROUPS: Noun['group'][] = ['Stages', 'Media', 'Configuration', 'Local', 'Tools'];

export function rootHelpText(registry: Registry): string {
  const lines = ['', 'Command groups:'];
  for (const group of GROUPS) {
    const inGroup = registry.nouns.filter((n) => n.group === group);
    if (inGroup.length) lines.push(`  ${group}: ${inGroup.map((n) => n.name).join(', ')}`);
  }
  // The commands without verbs (watch, publish, ...) have no noun, so no group of their own.
  const topLevel = registry.commands.filter((e) => e.path.length === 1);
  if (topLevel.length) lines.push(`  Live: ${topLevel.map((e) => e.path[0]).join(', ')}`);
  lines.push(
    '',
    'Examples:',
    '  $ ivsrt stage create --name demo',
    '  $ ivsrt token create demo --user-id alice --json',
    '  $ ivsrt participant list demo',
    '  $ ivsrt watch demo',
    '',
    'Help topics: ivsrt help exit-codes | ivsrt help environment',
    'With no AWS configuration, ivsrt uses its local emulator (see `ivsrt local --help`).',
  );
  return `${lines.join('\n')}\n`;
}

export function verbHelpText(verb: AnyVerb): string {
  const lines = ['', 'Examples:'];
  for (const example of verb.examples) {
    lines.push(`  $ ${example.command}${example.description ? `   # ${example.description}` : ''}`);
  }
  if (verb.operation) lines.push('', `API operation: ${verb.operation}. --json prints its response; --input takes its request.`);
  return `${lines.join('\n')}\n`;
}

export const HELP_TOPICS: Record<string, string> = {
  'exit-codes': `Exit codes (the same as the AWS CLI's, so scripts can switch):

  0    success
  130  interrupted (Ctrl-C), or a confirmation answered no; the commands that run until you stop
       them (demo, publish, subscribe, events tail, local start, local simulate, and a watch stream,
       piped or --json, without --until) end on Ctrl-C as they do by themselves, with 0
  252  usage or validation error (bad flag, argument or --input); nothing was sent
  253  configuration or credentials problem (no region or one that is not a region name, unknown
       profile, no credentials, an IVSRT_HOME that cannot be made, read or written)
  254  the service returned an error; stderr names its code
  255  anything else: an unreachable endpoint, a timeout (--cli-connect-timeout, --cli-read-timeout),
       a reply that is not the operation's result, output that could not be written
`,
  environment: `Environment variables:

  AWS_PROFILE                     profile from ~/.aws/config and ~/.aws/credentials (--profile)
  AWS_REGION, AWS_DEFAULT_REGION  region, in that order (--region)
  AWS_ENDPOINT_URL_IVS_REALTIME   endpoint for IVS real-time only (--endpoint-url)
  AWS_ENDPOINT_URL                endpoint for every service
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
                                  credentials; SSO, process, container and instance credentials
                                  are found through the standard AWS provider chain
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE
                                  other locations for the AWS config files
  AWS_MAX_ATTEMPTS                attempts per request (default 3)
  IVSRT_LOCAL=1                   always use the local emulator (--local)
  IVSRT_HOME                      where ivsrt keeps local state (default ~/.ivsrt)
  IVSRT_ADMIN_SECRET              the secret of an emulator's /_ivsrt/ routes (\`local\` verbs), when it
                                  is not in IVSRT_HOME: \`local start\` uses it, the fixture's cliEnv() sets it
  IVSRT_ADMIN_SIGNED=1            that emulator verifies signatures (--credentials): sign its routes too
  IVSRT_CREDENTIALS=KEY:SECRET,...
                                  \`local start\`: accept only these credentials and verify signatures
                                  (--credentials-file; kept out of \`ps\`)
  IVSRT_THROTTLE=1                \`local start\`: enforce the service's rate limits (--throttle)
  IVSRT_CACHE_DIR                 where ivsrt keeps its compiled-code cache, in an ivsrt folder
                                  (an absolute path; default $XDG_CACHE_HOME, else ~/.cache)
  IVSRT_SHOW_WARNINGS=1           show Node's runtime warnings (as --debug does)
  IVSRT_OPEN_WAIT_MS=<ms>         how long \`open\` waits for the browser to load the page before it
                                  removes the launcher file (default 60000)
  NO_COLOR, FORCE_COLOR           turn colour off, or on when piped (CLICOLOR_FORCE too)
  IVSRT_FORCE_TTY=<columns>       lay output out for a terminal even when piped

With no endpoint, profile, region or credentials configured at all, ivsrt talks to its local
emulator, starting it in the background on first use.
`,
};
