/**
 * Error messages a document quotes as something the user sees: block quotes (not admonitions),
 * fenced output (not commands), the text after an "error message:" / "you receive" / "resembles
 * the following" intro, and a quoted span in the title. Candidates in the symptoms section come
 * first. Whitespace collapsed, each once.
 */
import type { Code, Nodes, Paragraph, RootContent } from 'mdast';
import { collapse, unique } from '../text.js';
import { admonitionOf } from './clean.js';
import { blockText, inlineText } from './render.js';

/** A sentence that introduces an error shown next ("…the following error message:", "you receive…"). */
const INTRO =
  /\b(?:error(?:\s+message)?s?\s*(?:\([^)]*\))?\s*:|you (?:may |might |will |then )?(?:receive|get|see|encounter)\b|resembles? the following|similar to the following|the following (?:[\w-]+ ){0,6}(?:is|are|was|were|gets?|will be) (?:logged|recorded|returned|displayed|shown|thrown|reported)|following (?:error|message|exception|warning|event)s?\b)/i;

/** Words that make fenced output an error rather than ordinary output. */
const ERROR_WORD =
  /\b(?:err|error|errors|exception|fail(?:ed|ure|s)?|fatal|denied|refused|cannot|can't|couldn't|could not|unable|invalid|timed? ?out|not found|panic|unauthori[sz]ed|forbidden|warning|crash\w*|corrupt\w*|unreachable|rejected)\b/i;

/** Fence languages that hold code or configuration, never an error someone sees. */
const CODE_LANGS = new Set([
  'promql',
  'yaml',
  'yml',
  'sql',
  'ruby',
  'rb',
  'python',
  'py',
  'go',
  'js',
  'javascript',
  'ts',
  'typescript',
  'toml',
  'ini',
  'hcl',
  'terraform',
  'jsonnet',
  'dockerfile',
  'diff',
  'csharp',
  'cs',
  'c#',
  'vb',
  'html',
  'css',
  'mermaid',
  'graphql',
  'lua',
  'nginx',
]);

/** Fence languages of a shell: the block is a command when its first line is one. */
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'powershell', 'ps', 'ps1', 'pwsh', 'cmd', 'bat', 'console']);

/** A shell prompt at the start of a line ("$ ", "# ", "PS C:\>", "C:\>", "[root@host]#"). */
const PROMPT = /^\s*(?:\$|#|>|PS [A-Z]:\\[^>]*>|[A-Z]:\\[^>]*>|\[[^\]]*\][#$]|[\w.-]+@[\w.-]+:[^$#]*[$#])\s/;

/** First words of a command line. */
const COMMAND =
  /^\s*(?:oc|kubectl|sudo|ceph|curl|wget|ssh|scp|cd|ls|cat|grep|tail|head|export|echo|git|docker|podman|helm|systemctl|journalctl|gitlab-\w+|gsutil|gcloud|aws|az|etcdctl|rados|rbd|psql|redis-cli|knife|chef-client|consul|vault|sv|for|while|if|TOOLS_POD=|\w+=)\b|^\s*[A-Z][a-z]+-[A-Z][A-Za-z]+\b|^\s*\$\w+\s*=/;

/** Longest text taken as one error message; longer output gives its error lines instead. */
const MAX_MESSAGE_CHARS = 600;
/** Most lines of output taken as one message. */
const MAX_MESSAGE_LINES = 12;
/** Longest single line of output taken as an error (a JSON log line with its error inside). */
const MAX_LINE_CHARS = 2000;
/** Most error lines taken from one long block of output. */
const MAX_LINES_FROM_LONG_OUTPUT = 5;

/** Error messages of a document; `sections` in document order, `title` its shown title. */
export function extractErrors(sections: ReadonlyMap<string, readonly RootContent[]>, title: string): string[] {
  const first: string[] = [];
  const rest: string[] = [];
  for (const [key, nodes] of sections) {
    const into = key === 'symptoms' ? first : rest;
    walk(nodes, key === 'symptoms', into);
  }
  return unique([...first, ...quotedInTitle(title), ...rest].map(collapse).filter(isMessage));
}

function isMessage(s: string): boolean {
  return s.length >= 8 && s.length <= MAX_LINE_CHARS && /\p{L}{2,}/u.test(s);
}

/** Candidates in a run of sibling blocks (recursing into lists and quotes). */
function walk(nodes: readonly Nodes[], symptoms: boolean, out: string[]): void {
  let introduced = false;
  for (const node of nodes) {
    switch (node.type) {
      case 'blockquote':
        if (!admonitionOf(node)) {
          // A short quote is one message; a long one (an error and its details) gives each paragraph.
          const parts = node.children.map((c) => blockText(c)).filter(Boolean);
          const whole = parts.join(' ');
          if (whole.length <= MAX_MESSAGE_CHARS) out.push(whole);
          else out.push(...parts.filter((p) => p.length <= MAX_LINE_CHARS));
        }
        break;
      case 'code':
        out.push(...fromFence(node, introduced || symptoms));
        break;
      case 'paragraph':
        if (introduced) {
          const text = inlineText(node.children, false);
          if (text.length <= MAX_MESSAGE_CHARS && !/:\s*$/.test(text)) out.push(text);
        }
        out.push(...fromIntro(node));
        break;
      case 'list':
      case 'listItem':
        walk(node.children, symptoms, out);
        break;
      default:
        break;
    }
    introduced = node.type === 'paragraph' && introduces(node);
  }
}

/** Does this paragraph end by introducing what follows as an error? */
function introduces(p: Paragraph): boolean {
  const text = inlineText(p.children, false).trim();
  return /[:.]$/.test(text) && INTRO.test(lastSentence(text)) && !/`[^`]+`\s*[.:]?$/.test(inlineText(p.children));
}

function lastSentence(text: string): string {
  const parts = text.split(/(?<=[.!?])\s+(?=[A-Z])/);
  return parts[parts.length - 1] ?? text;
}

/** An intro and its error in one paragraph: "…you receive the error `Access denied`" or "…: "Access denied."". */
function fromIntro(p: Paragraph): string[] {
  const out: string[] = [];
  let seen = false;
  for (const child of p.children) {
    if (child.type === 'text') {
      if (INTRO.test(child.value)) seen = true;
      if (seen) {
        const quoted = /["“]([^"“”]{12,})["”]/.exec(child.value.slice(child.value.search(INTRO)));
        if (quoted && /\s/.test(quoted[1]!)) out.push(quoted[1]!);
      }
    } else if (seen && child.type === 'inlineCode' && /\s/.test(child.value.trim()) && !COMMAND.test(child.value)) {
      out.push(child.value);
    }
  }
  return out;
}

/** What a fence holds that someone sees: output, never the commands; short output whole, long output its error lines. */
function fromFence(code: Code, expected: boolean): string[] {
  const lang = (code.lang ?? '').toLowerCase();
  if (CODE_LANGS.has(lang)) return [];
  const lines = code.value.split('\n').filter((l) => l.trim());
  if (!lines.length) return [];
  const shell = SHELL_LANGS.has(lang) || (!lang && COMMAND.test(lines[0]!));
  const isCommand = (l: string): boolean => PROMPT.test(l) || (shell && COMMAND.test(l));
  if (shell && !expected && isCommand(lines[0]!) && lines.every((l) => isCommand(l) || /^\s/.test(l))) return [];
  const output = lines.filter((l) => !isCommand(l));
  if (!output.length) return [];
  const text = output.join('\n');
  if (!expected && !ERROR_WORD.test(text)) return [];
  if (output.length <= MAX_MESSAGE_LINES && text.length <= MAX_MESSAGE_CHARS) return [text];
  return output
    .filter((l) => ERROR_WORD.test(l) && l.trim().length <= MAX_LINE_CHARS)
    .slice(0, MAX_LINES_FROM_LONG_OUTPUT);
}

/** A quoted span of the title ("\"Your request couldn't be completed\" error when …"). */
function quotedInTitle(title: string): string[] {
  const out: string[] = [];
  for (const m of title.matchAll(/["“]([^"“”]+)["”]/g)) if (/\s/.test(m[1]!.trim())) out.push(m[1]!);
  return out;
}
