import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { renderProgress } from '../src/cli/progress-bar.js';
import { REPO } from './helpers/paths.js';

describe('config', () => {
  it('defaults KB_DIR to the bundled articles (relative to the package), DATA_DIR to ./data, LOG_LEVEL to warn', () => {
    expect(loadConfig({})).toEqual({ kbDirs: [join(REPO, 'kb', 'articles')], dataDir: resolve('data'), logLevel: 'warn', kbUrl: 'https://support.microsoft.com/kb/{number}' });
  });

  it('reads the variables, several KB folders joined with ":"', () => {
    expect(loadConfig({ KB_DIR: '/a:/b', DATA_DIR: '/tmp/d', LOG_LEVEL: 'DEBUG', KB_URL: 'https://kb.example/{id}' })).toEqual({ kbDirs: ['/a', '/b'], dataDir: '/tmp/d', logLevel: 'debug', kbUrl: 'https://kb.example/{id}' });
  });

  it('rejects a KB_URL that is not a link with {number} or {id}', () => {
    expect(() => loadConfig({ KB_URL: 'https://kb.example/' })).toThrow('KB_URL="https://kb.example/" must be an http(s) URL containing {number} or {id}');
    expect(() => loadConfig({ KB_URL: 'javascript:alert(1)//{id}' })).toThrow(ConfigError);
  });

  it('rejects an unknown LOG_LEVEL with a clear message', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL="loud" is not one of error, warn, info, debug');
  });
});

describe('progress bar', () => {
  it('shows count, percent, rate and ETA', () => {
    expect(renderProgress(250, 1000, 2, 10)).toBe('[###.......] 250/1,000  25%  125 files/s  ETA 6s');
    expect(renderProgress(0, 0, 0, 4)).toBe('[####] 0/0  100%  0 files/s  ETA --');
  });
});
