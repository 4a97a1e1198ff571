// Reads and validates the configuration from the environment; a bad value stops the start with its key named.
import { CONFIG_KEYS, type Config, type ConfigKey } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * One Redis or one Redis Cluster, never both; on a cluster the key prefix may not carry a hash tag
 * (`{…}` would put every key in one slot, and the service's own tags after it would be ignored).
 */
function redisChoiceProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.redisUrl && config.redisClusterNodes) {
    problems.push(`${CONFIG_KEYS.redisClusterNodes.env} and ${CONFIG_KEYS.redisUrl.env}: set one of them, not both (a Redis Cluster or one Redis)`);
  }
  if (config.redisClusterNodes && /[{}]/.test(config.redisKeyPrefix)) {
    problems.push(`${CONFIG_KEYS.redisKeyPrefix.env}=${JSON.stringify(config.redisKeyPrefix)}: may not contain { or } on a Redis Cluster (hash tags are set by the service)`);
  }
  return problems;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, def] of Object.entries(CONFIG_KEYS)) {
    const raw = env[def.env] === '' ? undefined : env[def.env];
    const parsed = def.schema.safeParse(raw ?? def.default);
    if (parsed.success) out[name] = parsed.data;
    else {
      const expected = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`${def.env}=${JSON.stringify(raw ?? def.default)}: ${expected}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const config = out as Config;
  config.issuer = (config.issuer ?? `http://localhost:${config.port}`).replace(/\/$/, '');
  const redisProblems = redisChoiceProblems(config);
  if (redisProblems.length) throw new ConfigError(redisProblems);
  if (config.nodeEnv === 'production') {
    const missing = (['cookieKeys', 'redisUrl', 'mongodbUri'] as ConfigKey[]).filter((k) => config[k] === undefined && !(k === 'redisUrl' && config.redisClusterNodes));
    if (!config.jwksFile && !config.jwks) missing.push('jwksFile');
    if (missing.length) {
      throw new ConfigError(missing.map((k) => `${CONFIG_KEYS[k].env}${k === 'redisUrl' ? ` (or ${CONFIG_KEYS.redisClusterNodes.env})` : ''}: required when NODE_ENV=production`));
    }
  }
  return config;
}
