// Configuration from the environment: defaults, a bad value refused with its variable named, production requirements.
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.nodeEnv).toBe('development');
    expect(config.loginMaxFailuresPerAccount).toBe(5);
    expect(config.loginLockoutSeconds).toBe(900);
    expect(config.argon2MemoryKib).toBe(19456);
    expect(config.argon2TimeCost).toBe(2);
    expect(config.numberMatching).toBe('type');
    expect(config.redisUrl).toBeUndefined();
    expect(config.mongodbUri).toBeUndefined();
  });

  it('derives the issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080');
    expect(loadConfig({ ISSUER: 'https://login.example.de/' }).issuer).toBe('https://login.example.de');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://x'],
    ['NUMBER_MATCHING', 'maybe'],
    ['MONGODB_URI', 'postgres://db'],
    ['TRUST_PROXY', 'yes'],
    ['LOGIN_MAX_FAILURES_PER_ACCOUNT', '0'],
    ['ISSUER', 'not a url'],
    ['COOKIE_KEYS', 'short'],
  ])('refuses %s=%s with a ConfigError naming the variable', (name, value) => {
    const error = errorOf({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.problems.some((p) => p.startsWith(`${name}=`))).toBe(true);
  });

  it('names every bad variable at once', () => {
    const error = errorOf({ PORT: 'abc', REDIS_URL: 'http://x', NUMBER_MATCHING: 'maybe' });
    expect(error.problems).toHaveLength(3);
    for (const name of ['PORT', 'REDIS_URL', 'NUMBER_MATCHING']) expect(error.message).toContain(name);
  });

  describe('REDIS_CLUSTER_NODES', () => {
    it('reads comma-separated host:port seed nodes (hostnames, IPv4, [IPv6])', () => {
      const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379, 10.0.0.2:7001,[::1]:7002' });
      expect(config.redisClusterNodes).toEqual([
        { host: 'redis-1', port: 6379 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ]);
      expect(config.redisUrl).toBeUndefined();
      expect(loadConfig({}).redisClusterNodes).toBeUndefined();
    });

    it.each(['redis-1', 'redis-1:', 'redis-1:0', 'redis-1:70000', 'redis://redis-1:6379', ',', 'a b:1'])('refuses %j naming the variable', (value) => {
      const error = errorOf({ REDIS_CLUSTER_NODES: value });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]!.startsWith('REDIS_CLUSTER_NODES=')).toBe(true);
    });

    it('is mutually exclusive with REDIS_URL', () => {
      const error = errorOf({ REDIS_CLUSTER_NODES: 'redis-1:6379', REDIS_URL: 'redis://redis:6379' });
      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain('REDIS_CLUSTER_NODES');
      expect(error.message).toContain('REDIS_URL');
    });

    it('refuses a key prefix with a hash tag on a cluster (it would put every key in one slot)', () => {
      const error = errorOf({ REDIS_CLUSTER_NODES: 'redis-1:6379', REDIS_KEY_PREFIX: '{fi}:' });
      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain('REDIS_KEY_PREFIX');
      expect(loadConfig({ REDIS_URL: 'redis://redis:6379', REDIS_KEY_PREFIX: '{fi}:' }).redisKeyPrefix).toBe('{fi}:');
    });

    it('satisfies production in place of REDIS_URL', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        COOKIE_KEYS: 'a'.repeat(32),
        REDIS_CLUSTER_NODES: 'redis-1:6379,redis-2:6379,redis-3:6379',
        MONGODB_URI: 'mongodb://mongo/idp',
        OIDC_JWKS: '{"keys":[]}',
      });
      expect(config.redisClusterNodes).toHaveLength(3);
    });
  });

  it('refuses production without cookie keys, Redis, MongoDB and signing keys, naming them', () => {
    const error = errorOf({ NODE_ENV: 'production' });
    for (const name of ['COOKIE_KEYS', 'REDIS_URL', 'MONGODB_URI', 'OIDC_JWKS_FILE']) expect(error.message).toContain(name);
    expect(error.message).toContain('NODE_ENV=production');
  });

  it('names only what production is missing', () => {
    const error = errorOf({
      NODE_ENV: 'production',
      REDIS_URL: 'redis://redis:6379',
      MONGODB_URI: 'mongodb://mongo/idp',
      OIDC_JWKS_FILE: '/run/secrets/jwks.json',
    });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('COOKIE_KEYS');
    expect(error.message).not.toContain('REDIS_URL');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      COOKIE_KEYS: 'a'.repeat(32) + ',' + 'b'.repeat(40),
      REDIS_URL: 'rediss://redis:6380',
      MONGODB_URI: 'mongodb+srv://cluster/idp',
      OIDC_JWKS: '{"keys":[]}',
      ISSUER: 'https://login.example.de',
    });
    expect(config.cookieKeys).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
    expect(config.issuer).toBe('https://login.example.de');
  });
});
