// The observability settings of src/config.ts: LOG_FORMAT (and its default), LOG_LEVEL's production
// default, METRICS_PORT validated with the rest at start-up, and the secrets the logger scrubs.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../../src/config.js';

describe('observability configuration', () => {
  it('LOG_FORMAT: pretty at a terminal, JSON lines otherwise and always in production; set explicitly, it wins', () => {
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production' }, true).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty', NODE_ENV: 'production' }, false).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'JSON' }, true).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT="xml" is not one of json, pretty');
  });

  it('LOG_LEVEL defaults to info in production (start-up, shutdown and answers logged), warn otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).logLevel).toBe('info');
    expect(loadConfig({}).logLevel).toBe('warn');
    expect(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'error' }).logLevel).toBe('error');
  });

  it('METRICS_PORT: a port number, not one the chat endpoint already uses', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    for (const bad of ['0', '70000', 'abc', '12.5'])
      expect(() => loadConfig({ METRICS_PORT: bad }), bad).toThrow(`METRICS_PORT="${bad}" is not a port number`);
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sss', PORT: '3000' };
    expect(() => loadConfig({ ...slack, METRICS_PORT: '3000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...slack, METRICS_PORT: '3000' })).toThrow(/METRICS_PORT=3000 is also PORT/);
    expect(() => loadConfig({ TEAMS_ENABLED: 'true', TEAMS_PORT: '3978', METRICS_PORT: '3978' })).toThrow(/Teams port/);
    // Socket Mode listens on no port: METRICS_PORT may be PORT's number.
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', METRICS_PORT: '3000' }).metricsPort).toBe(
      3000,
    );
  });

  it('secretsOf: the tokens, the signing secret and the Teams password', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-bot',
      SLACK_SIGNING_SECRET: 'signing',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'teams-password',
      TEAMS_PORT: '3978',
    });
    expect(secretsOf(config).sort()).toEqual(['signing', 'teams-password', 'xoxb-bot']);
  });
});
