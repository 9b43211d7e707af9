import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../../../../src/kb/index/ingest.js';
import { FolderSpecError, parseFolderSpec, parseHeadings, urlVariableOf } from '../../../../src/kb/index/folders.js';
import { contextFor, fillUrlTemplate, relativeId, type ParseContext } from '../../../../src/kb/parse/context.js';
import { makeArticle } from '../../../helpers/articles.js';
import { tempDir } from '../../../helpers/paths.js';

describe('KB folder specs', () => {
  it('reads "name=path" and a bare path', () => {
    expect(parseFolderSpec('runbooks=/srv/runbooks')).toEqual({ dir: '/srv/runbooks', name: 'runbooks' });
    expect(parseFolderSpec(' /srv/kbarchive ')).toEqual({ dir: '/srv/kbarchive' });
    expect(parseFolderSpec('kb')).toEqual({ dir: 'kb' });
    expect(() => parseFolderSpec('rb=')).toThrow(FolderSpecError);
  });

  it('keeps an existing folder whose name holds "=" a path', () => {
    const tmp = tempDir();
    try {
      const odd = join(tmp.dir, 'a=b');
      mkdirSync(odd);
      expect(parseFolderSpec(odd)).toEqual({ dir: odd });
    } finally {
      tmp.cleanup();
    }
  });

  it('names the link template variable after the folder', () => {
    expect(urlVariableOf('team-runbooks')).toBe('KB_URL_TEAM_RUNBOOKS');
  });

  it('reads a heading list and refuses an unknown section', () => {
    expect(parseHeadings('impact=Blast radius|Business impact;resolution=Runbook')).toEqual({
      impact: ['Blast radius', 'Business impact'],
      resolution: ['Runbook'],
    });
    expect(parseHeadings('')).toEqual({});
    expect(() => parseHeadings('fixes=Repair')).toThrow(/section one of/);
  });
});

describe('where a file was found', () => {
  it("is the deepest KB folder it lies under, with that folder's name and template", () => {
    const folders = [
      { dir: '/kb', name: 'all' },
      { dir: '/kb/runbooks', urlTemplate: 'https://x.example/{path}' },
    ];
    expect(contextFor('/kb/runbooks/etcd/etcdNoLeader.md', folders)).toEqual({
      root: '/kb/runbooks',
      source: 'runbooks',
      urlTemplate: 'https://x.example/{path}',
      headings: undefined,
    });
    expect(contextFor('/kb/other.md', folders)).toMatchObject({ root: '/kb', source: 'all' });
    expect(contextFor('/kbx/a.md', folders)).toEqual({});
  });

  it("makes a team document's id its path relative to the folder, exactly as on disk", () => {
    expect(relativeId("/kb/ms-support/Exchange/can't-manage ex19.md", '/kb')).toBe(
      "ms-support/Exchange/can't-manage ex19.md",
    );
  });

  it('fills {path} with each segment encoded and {stem} with the file name', () => {
    const t = 'https://github.com/o/r/blob/main/{path}#{stem}';
    expect(fillUrlTemplate(t, "ms-support/can't manage.md")).toBe(
      "https://github.com/o/r/blob/main/ms-support/can't%20manage.md#can't%20manage",
    );
  });
});

describe('ingest of named folders', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('parses each file knowing its folder, its name, its link template and the headings', async () => {
    const a = join(tmp.dir, 'runbooks');
    const b = join(tmp.dir, 'archive');
    mkdirSync(join(a, 'etcd'), { recursive: true });
    mkdirSync(b);
    writeFileSync(join(a, 'etcd', 'etcdNoLeader.md'), '# etcdNoLeader\n');
    writeFileSync(join(b, 'Q1.txt'), 'x');
    const seen: [string, ParseContext | undefined][] = [];
    const result = await ingest([a, b], {
      folders: [{ dir: a, name: 'rb', urlTemplate: 'https://x.example/{path}' }],
      headings: { impact: ['Blast radius'] },
      parse: (_bytes, path, context) => {
        seen.push([path, context]);
        return makeArticle({
          id: context?.root ? relativeId(path, context.root) : path,
          source: context?.source ?? null,
        });
      },
    });
    expect(seen).toEqual([
      [
        join(b, 'Q1.txt'),
        { root: b, source: 'archive', urlTemplate: undefined, headings: { impact: ['Blast radius'] } },
      ],
      [
        join(a, 'etcd', 'etcdNoLeader.md'),
        { root: a, source: 'rb', urlTemplate: 'https://x.example/{path}', headings: { impact: ['Blast radius'] } },
      ],
    ]);
    expect(result.kb.articles().map((x) => [x.id, x.source])).toEqual([
      ['Q1.txt', 'archive'],
      ['etcd/etcdNoLeader.md', 'rb'],
    ]);
  });
});
