import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { renderProgress } from '../../src/cli/progress-bar.js';
import { REPO } from '../helpers/paths.js';

describe('config', () => {
  it('defaults KB_DIR to the bundled articles (relative to the package), DATA_DIR to ./data, LOG_LEVEL to warn', () => {
    expect(loadConfig({}, false)).toEqual({
      kbDirs: [join(REPO, 'seeds')],
      kbFolders: [{ dir: join(REPO, 'seeds') }],
      kbHeadings: {},
      dataDir: resolve('data'),
      logLevel: 'warn',
      logFormat: 'json',
      kbUrl: 'https://support.microsoft.com/kb/{number}',
      storeMessages: true,
      kbWatch: true,
      shutdownGraceMs: 10_000,
    });
  });

  it('reads the variables, several KB folders joined with ":"', () => {
    expect(
      loadConfig(
        {
          KB_DIR: '/a:/b',
          DATA_DIR: '/tmp/d',
          LOG_LEVEL: 'DEBUG',
          KB_URL: 'https://kb.example/{id}',
          STORE_MESSAGES: 'off',
          KB_WATCH: 'False',
          SHUTDOWN_GRACE_MS: '2500',
        },
        true,
      ),
    ).toEqual({
      kbDirs: ['/a', '/b'],
      kbFolders: [{ dir: '/a' }, { dir: '/b' }],
      kbHeadings: {},
      dataDir: '/tmp/d',
      logLevel: 'debug',
      logFormat: 'pretty',
      kbUrl: 'https://kb.example/{id}',
      storeMessages: false,
      kbWatch: false,
      shutdownGraceMs: 2500,
    });
  });

  it('names KB folders ("runbooks=/srv/runbooks"), gives each its KB_URL_<NAME> link template, and reads KB_HEADINGS', () => {
    const config = loadConfig({
      KB_DIR: 'runbooks=/srv/runbooks:/srv/kbarchive',
      KB_URL_RUNBOOKS: 'https://git.example/runbooks/blob/main/{path}',
      KB_HEADINGS: 'impact=Blast radius|Business impact; resolution=Runbook',
    });
    expect(config.kbDirs).toEqual(['/srv/runbooks', '/srv/kbarchive']);
    expect(config.kbFolders).toEqual([
      { dir: '/srv/runbooks', name: 'runbooks', urlTemplate: 'https://git.example/runbooks/blob/main/{path}' },
      { dir: '/srv/kbarchive' },
    ]);
    expect(config.kbHeadings).toEqual({ impact: ['Blast radius', 'Business impact'], resolution: ['Runbook'] });
  });

  it('refuses a folder link template without {path}, two folders of one name, and a heading list it cannot read', () => {
    expect(() => loadConfig({ KB_DIR: 'rb=/a', KB_URL_RB: 'https://x.example/' })).toThrow(
      /KB_URL_RB=.* must be an http\(s\) URL containing \{path\} or \{stem\}/,
    );
    expect(() => loadConfig({ KB_DIR: 'rb=/a:rb=/b' })).toThrow(/KB_DIR names two folders "rb"/);
    expect(() => loadConfig({ KB_DIR: 'rb=' })).toThrow(/KB_DIR: "rb=" names the folder "rb" but gives no path/);
    expect(() => loadConfig({ KB_HEADINGS: 'fix=Repair' })).toThrow(
      /KB_HEADINGS: "fix=Repair" must be section=Heading\|Heading, the section one of symptoms, cause, impact, diagnosis, resolution/,
    );
    expect(() => loadConfig({ KB_HEADINGS: 'impact=' })).toThrow(/lists no heading/);
  });

  it('rejects a STORE_MESSAGES or KB_WATCH that is not true or false', () => {
    expect(() => loadConfig({ STORE_MESSAGES: 'maybe' })).toThrow(/STORE_MESSAGES="maybe" must be true or false/);
    expect(() => loadConfig({ KB_WATCH: '2' })).toThrow(/KB_WATCH/);
  });

  it('reads every boolean variable with the same words: true/false, yes/no, on/off, 1/0, any case', () => {
    const yes = ['true', 'TRUE', 'yes', 'Yes', 'on', 'ON', '1', ' yes '];
    const no = ['false', 'False', 'no', 'NO', 'off', 'Off', '0'];
    for (const word of yes) {
      expect(loadConfig({ STORE_MESSAGES: word }).storeMessages, word).toBe(true);
      expect(loadConfig({ KB_WATCH: word }).kbWatch, word).toBe(true);
      expect(loadConfig({ TEAMS_ENABLED: word }).teams, word).toBeDefined();
    }
    for (const word of no) {
      expect(loadConfig({ STORE_MESSAGES: word }).storeMessages, word).toBe(false);
      expect(loadConfig({ KB_WATCH: word }).kbWatch, word).toBe(false);
      expect(loadConfig({ TEAMS_ENABLED: word }).teams, word).toBeUndefined();
    }
    for (const name of ['STORE_MESSAGES', 'KB_WATCH', 'TEAMS_ENABLED']) {
      expect(() => loadConfig({ [name]: 'enabled' })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: 'enabled' })).toThrow(
        `${name}="enabled" must be true or false (also yes/no, on/off, 1/0)`,
      );
    }
  });

  it('reads SHUTDOWN_GRACE_MS as a whole number of milliseconds, refusing anything else', () => {
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
    for (const bad of ['-1', '10s', '1.5', 'soon']) {
      expect(() => loadConfig({ SHUTDOWN_GRACE_MS: bad })).toThrow(
        `SHUTDOWN_GRACE_MS=${JSON.stringify(bad)} must be a whole number of milliseconds (0 or more)`,
      );
    }
  });

  it('rejects a KB_URL that is not a link with {number} or {id}', () => {
    expect(() => loadConfig({ KB_URL: 'https://kb.example/' })).toThrow(
      'KB_URL="https://kb.example/" must be an http(s) URL containing {number} or {id}',
    );
    expect(() => loadConfig({ KB_URL: 'javascript:alert(1)//{id}' })).toThrow(ConfigError);
  });

  it('rejects an unknown LOG_LEVEL with a clear message', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL="loud" is not one of error, warn, info, debug');
  });
});

describe('Slack config', () => {
  const SECRETS = { SLACK_BOT_TOKEN: 'xoxb-secret-bot', SLACK_SIGNING_SECRET: 'secret-signing' };

  it('is absent unless the bot token and signing secret are set', () => {
    expect(loadConfig({}).slack).toBeUndefined();
    expect(loadConfig({ PORT: '8080', LISTEN_CHANNELS: 'C1AB' }).slack).toBeUndefined();
  });

  it('reads tokens, PORT (default 3000), SLACK_API_URL and LISTEN_CHANNELS', () => {
    expect(loadConfig(SECRETS).slack).toEqual({
      botToken: 'xoxb-secret-bot',
      signingSecret: 'secret-signing',
      port: 3000,
      listenChannels: [],
    });
    expect(
      loadConfig({
        ...SECRETS,
        SLACK_APP_TOKEN: 'xapp-1',
        PORT: '8080',
        SLACK_API_URL: 'https://slack.test/api/',
        LISTEN_CHANNELS: ' C01AB, G02CD ,',
      }).slack,
    ).toEqual({
      botToken: 'xoxb-secret-bot',
      signingSecret: 'secret-signing',
      appToken: 'xapp-1',
      port: 8080,
      apiUrl: 'https://slack.test/api/',
      listenChannels: ['C01AB', 'G02CD'],
    });
  });

  it('runs in Socket Mode without a signing secret (Socket Mode does not use it)', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret-bot', SLACK_APP_TOKEN: 'xapp-1' }).slack).toEqual({
      botToken: 'xoxb-secret-bot',
      appToken: 'xapp-1',
      port: 3000,
      listenChannels: [],
    });
  });

  it('rejects half a setup, wrong token kinds, bad ports, URLs and channel ids, never echoing a secret', () => {
    const cases: [NodeJS.ProcessEnv, string][] = [
      [{ SLACK_BOT_TOKEN: 'xoxb-secret-bot' }, 'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET'],
      [{ SLACK_SIGNING_SECRET: 'secret-signing' }, 'SLACK_BOT_TOKEN is not'],
      [{ SLACK_APP_TOKEN: 'xapp-secret' }, 'SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not'],
      [{ ...SECRETS, SLACK_BOT_TOKEN: 'xoxp-secret-user' }, 'SLACK_BOT_TOKEN must be a bot token'],
      [{ ...SECRETS, SLACK_APP_TOKEN: 'xoxb-secret-app' }, 'SLACK_APP_TOKEN must be an app-level token'],
      [{ ...SECRETS, PORT: '70000' }, 'PORT="70000" is not a port number'],
      [{ ...SECRETS, SLACK_API_URL: 'slack.test' }, 'SLACK_API_URL="slack.test" must be an http(s) URL'],
      [{ ...SECRETS, LISTEN_CHANNELS: 'C01AB,#general' }, 'LISTEN_CHANNELS: "#general" is not a channel id'],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toMatch(/secret/);
    }
  });
});

describe('progress bar', () => {
  it('shows count, percent, rate and ETA', () => {
    expect(renderProgress(250, 1000, 2, 10)).toBe('[###.......] 250/1,000  25%  125 files/s  ETA 6s');
    expect(renderProgress(0, 0, 0, 4)).toBe('[####] 0/0  100%  0 files/s  ETA --');
  });
});

describe('Teams config', () => {
  it('is absent unless MicrosoftAppId or TEAMS_ENABLED=true', () => {
    expect(loadConfig({}).teams).toBeUndefined();
    expect(loadConfig({ TEAMS_ENABLED: 'true' }).teams).toEqual({
      appType: 'MultiTenant',
      port: 3978,
      host: '0.0.0.0',
    });
  });

  it('needs the password with an app id, and never shows it in errors', () => {
    expect(() => loadConfig({ MicrosoftAppId: 'abc' })).toThrow(
      'MicrosoftAppId is set but MicrosoftAppPassword is not',
    );
    const err = (() => {
      try {
        loadConfig({ MicrosoftAppPassword: 's3cret-value' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toBe('MicrosoftAppPassword is set but MicrosoftAppId is not');
    expect(loadConfig({ MicrosoftAppId: 'abc', MicrosoftAppPassword: 'pw', TEAMS_PORT: '4000' }).teams).toMatchObject({
      appId: 'abc',
      port: 4000,
      appType: 'MultiTenant',
    });
  });
});

describe('Teams port', () => {
  it('uses PORT when Slack does not listen on it, its own port when Slack does', () => {
    expect(loadConfig({ TEAMS_ENABLED: 'true', PORT: '8080' }).teams?.port).toBe(8080);
    expect(
      loadConfig({ TEAMS_ENABLED: 'true', PORT: '8080', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).teams
        ?.port,
    ).toBe(3978);
    expect(loadConfig({ TEAMS_ENABLED: 'true', PORT: '8080', TEAMS_PORT: '9000' }).teams?.port).toBe(9000);
  });
});

describe('DATABASE_URL', () => {
  const password = 'p@ss:w0rd/secret';
  const url = `postgres://kbbot:${encodeURIComponent(password)}@db.internal:5432/kbbot`;

  it('is read as given for postgres:// and postgresql://, absent when unset or empty', () => {
    expect(loadConfig({ DATABASE_URL: ` ${url} ` }).databaseUrl).toBe(url);
    expect(loadConfig({ DATABASE_URL: 'postgresql://kbbot@127.0.0.1/kbbot' }).databaseUrl).toBe(
      'postgresql://kbbot@127.0.0.1/kbbot',
    );
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '  ' })).not.toHaveProperty('databaseUrl');
  });

  it('refuses anything but a postgres:// URL, naming the variable and never showing the password', () => {
    for (const value of [
      `mysql://kbbot:${password}@db/kbbot`,
      `kbbot:${password}@db.internal`,
      `//kbbot:${password}@db`,
    ]) {
      const load = () => loadConfig({ DATABASE_URL: value });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/^DATABASE_URL .*postgres:\/\//);
      try {
        load();
      } catch (err) {
        expect((err as Error).message).not.toContain('secret');
      }
    }
  });

  it('is a secret for the log, whole and its password as written and decoded', () => {
    const secrets = secretsOf(loadConfig({ DATABASE_URL: url }));
    expect(secrets).toEqual(expect.arrayContaining([url, encodeURIComponent(password), password]));
    expect(secretsOf(loadConfig({ DATABASE_URL: 'postgres://kbbot@db/kbbot' }))).toEqual(['postgres://kbbot@db/kbbot']);
  });
});
