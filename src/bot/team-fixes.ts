/**
 * Team fixes in the bot (issue #24, docs/design-team-fixes.md 3.4-3.6): saving a person's message
 * as a fix (disk first, searchable at once) and what the save collects from its thread (the
 * errors, their codes, the articles offered and what people said of them), undoing a save, and
 * the saved fix that leads the answer to the next paste of its error.
 */
import { normaliseFixId, withoutKbIds } from '../kb/kb-id.js';
import { unique } from '../kb/parse/text.js';
import { classifyIntent, isThumbsUp } from '../intents/index.js';
import { isFixReport } from '../intents/fix-report.js';
import { decodeEntities, undoChatMarkup } from '../text/chat-markup.js';
import { readSaveFix, type SaveFixCommand } from '../fixes/commands.js';
import { fixTitle } from '../fixes/fix.js';
import type { FixHit } from '../fixes/index.js';
import { StorageError } from '../memory/sqlite/errors.js';
import type { FixOffered, FixRecord, FixVia, ThreadFixRef } from '../memory/types.js';
import type { BotContext } from './context.js';
import { TEAM_FIX_DEFAULTS } from './defaults.js';
import { readFollowUp } from './follow-up.js';
import type { MatchResult } from './match.js';
import type { IncomingMessage, MessageContext } from './message.js';
import type { Reply } from './reply.js';
import { BOT_TEXTS } from './texts.js';
import { giveFeedback } from './thread-feedback.js';
import { LOCAL_ID, type ThreadTurns } from './thread-turns.js';
import type { ThreadState } from './threads.js';

/** What a save needs, whichever way it was asked for. */
export interface SaveInput {
  text: string;
  author: string;
  authorName: string | null;
  savedBy: string;
  conversation: string;
  thread: string;
  /** The saved message's id as the thread knows it (possibly a made-up local one). */
  messageRef: string | null;
  permalink?: string | null;
  title?: string;
  via: FixVia;
  context?: MessageContext;
}

/** Who asks to undo which fix, in which thread (a button press: see BotAction). */
export interface UndoRequest {
  /** The fix id (`fix-12`). */
  value: string;
  user: string;
  conversation: string;
  thread: string;
}

export class TeamFixes {
  constructor(
    private readonly ctx: BotContext,
    private readonly turns: ThreadTurns,
  ) {}

  /**
   * Save a fix: the store first (committed when its write resolves), then the index (searchable when
   * this resolves), then the thread (its fix report marked saved, pending credits given as votes),
   * then the one-line confirmation. A message saved before answers "Already saved as fix-N".
   */
  async save(input: SaveInput, key: string): Promise<Reply> {
    const fixes = this.ctx.options.fixes;
    if (!fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const text = fixText(input.text);
    if (!text) return { kind: 'text', text: BOT_TEXTS.emptyFix };
    const messageId = input.messageRef && !input.messageRef.startsWith(LOCAL_ID) ? input.messageRef : null;
    if (messageId) {
      const had = await safeRead(() => fixes.store.byMessage(input.conversation, messageId));
      if (had) return { kind: 'text', text: BOT_TEXTS.alreadySaved(had.id) };
    }
    const state = await this.ctx.threads.get(key);
    const errors = state?.query ? this.errorsOf(state) : await this.rootError(input.context);
    const codes = unique(errors.flatMap((e) => this.ctx.matcher.match(e, { k: 1, always: true }).codes));
    const permalink =
      input.permalink ??
      (messageId && input.context?.permalink ? await input.context.permalink(messageId).catch(() => null) : null);
    let fix: FixRecord;
    try {
      fix = await fixes.store.add({
        title: fixTitle({ given: input.title, errors, text }),
        text,
        author: input.author,
        authorName: input.authorName,
        savedBy: input.savedBy,
        savedAt: Date.now(),
        conversation: input.conversation,
        thread: input.thread,
        messageId,
        permalink,
        errors,
        codes,
        offered: state ? this.offeredIn(state, input.conversation, input.thread) : [],
        via: input.via,
      });
    } catch (error) {
      if (error instanceof StorageError) return { kind: 'text', text: BOT_TEXTS.storageDown };
      throw error;
    }
    fixes.index.add(fix);
    if (state) await this.savedIn(key, state, fix, input);
    this.ctx.records.emit({
      type: 'fix_saved',
      conversation: input.conversation,
      thread: input.thread,
      fixId: fix.id,
      via: input.via,
      savedBy: input.savedBy,
    });
    return { kind: 'saved', fixId: fix.id, title: fix.title, text: BOT_TEXTS.saved(fix.title, fix.id) };
  }

  /** "@kbbot save fix [as "title"][: text]": the text given, else the thread's latest person message that is a fix. */
  async saveCommand(
    command: SaveFixCommand,
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Promise<Reply> {
    if (!this.ctx.options.fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const base = {
      savedBy: message.user,
      conversation: message.conversation,
      thread: message.thread,
      title: command.title,
      context: message.context,
    };
    if (command.text !== undefined)
      return this.save(
        {
          ...base,
          text: command.text,
          author: message.user,
          authorName: message.userName ?? null,
          messageRef: message.id ?? null,
          via: 'text',
        },
        key,
      );
    const target = await this.fixMessage(key, state, message);
    if (!target) return { kind: 'text', text: BOT_TEXTS.nothingToSave };
    return this.save(
      {
        ...base,
        text: target.text,
        author: target.user,
        authorName: target.user === message.user ? (message.userName ?? null) : null,
        messageRef: target.id,
        via: 'mention',
      },
      key,
    );
  }

  /**
   * The message "save fix" means: the latest person message of the thread that is not a command,
   * thanks, feedback, a follow-up or the pasted error, preferring a fix report. Read back through
   * the transport (Slack) when it can, else from what the bot kept of the thread.
   */
  private async fixMessage(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Promise<{ id: string; user: string; text: string } | undefined> {
    const read = await this.turns.history(message);
    // The thread's first message is the error that started it, when it is one (the bot may have kept nothing of it).
    const people = read?.filter((m, i) => !m.bot && !(i === 0 && isErrorPaste(m.text)));
    const messages = people
      ? people.map((m) => ({ id: m.id, user: m.user, text: m.text }))
      : this.turns.recentOf(key, state);
    const errors = new Set([state?.query ?? '', ...(state?.errors ?? [])].map((e) => e.trim()));
    const candidates = messages.filter((m) => m.id !== message.id && !errors.has(m.text.trim()) && saveable(m.text));
    return [...candidates].reverse().find((m) => isFixReport(m.text)) ?? candidates.at(-1);
  }

  /** The errors pasted in a thread, its question first (a lookup's ids are no error). */
  private errorsOf(state: ThreadState | undefined): string[] {
    if (!state) return [];
    const all = [state.query, ...(state.errors ?? [])].filter((e) => e.trim() && withoutKbIds(e).trim());
    return unique(all.map((e) => undoChatMarkup(e).text.trim()).filter(Boolean));
  }

  /**
   * In a thread the bot kept nothing of (it found no article for the pasted error, so it stayed
   * silent), the error is the thread's first message, read back through the transport, when it is one.
   */
  private async rootError(context: MessageContext | undefined): Promise<string[]> {
    const read = context?.history ? await context.history().catch(() => undefined) : undefined;
    const root = read?.[0];
    if (!root || root.bot || !isErrorPaste(root.text)) return [];
    const text = undoChatMarkup(root.text).text.trim();
    return text ? [text] : [];
  }

  /** The articles the bot offered in a thread (up to the one shown) and what people said of them (no user ids). */
  private offeredIn(state: ThreadState, conversation: string, thread: string): FixOffered[] {
    const said = new Map<string, boolean>();
    for (const r of this.ctx.options.learning?.forThread(conversation, thread) ?? []) said.set(r.articleId, r.helpful);
    // Shown -1: a team fix answered alone, no article was offered.
    return state.candidates.slice(0, state.shown + 1).map((articleId) => {
      const helpful = said.get(articleId);
      const verdict =
        helpful === true ? 'helped' : helpful === false || state.rejected.includes(articleId) ? 'not_it' : null;
      return { articleId, verdict };
    });
  }

  /**
   * A fix was saved in this thread: its report is marked saved, feedback given on it before the
   * save counts now, and the next "that worked" credits it (the save is the thread's last word on it).
   */
  private async savedIn(key: string, before: ThreadState, fix: FixRecord, input: SaveInput): Promise<void> {
    // Read again: the save waited on the transport and the store, and the thread may have moved on meanwhile.
    const state = (await this.ctx.threads.get(key)) ?? before;
    const ref = input.messageRef ?? undefined;
    const mark = (f: ThreadFixRef): ThreadFixRef => (f.messageId === ref ? { ...f, id: fix.id } : f);
    const saved: ThreadFixRef = { id: fix.id, messageId: ref ?? fix.id, user: fix.author };
    const fixes = [saved, ...(state.fixes ?? []).map(mark).filter((f) => f.messageId !== saved.messageId)].slice(
      0,
      TEAM_FIX_DEFAULTS.fixes,
    );
    const credits = state.pendingCredits ?? [];
    const due = credits.filter((c) => c.messageId === ref);
    await this.ctx.threads.set(key, {
      ...state,
      lastFix: saved,
      fixes,
      lastSpeaker: 'person',
      lastMessageId: saved.messageId,
      pendingCredits: credits.filter((c) => c.messageId !== ref),
      updatedAt: Date.now(),
    });
    for (const credit of due) {
      try {
        await giveFeedback(
          this.ctx,
          { text: '', user: credit.user, conversation: fix.conversation, thread: fix.thread, via: 'overheard' },
          state,
          fix.id,
          credit.helpful,
        );
      } catch (error) {
        // The fix is saved; a credit the storage refused now is lost, not the save.
        if (!(error instanceof StorageError)) throw error;
      }
    }
  }

  /** Undo a save: only whoever saved the fix or wrote it, within TEAM_FIX_DEFAULTS.undoMs. */
  async undoFix(action: UndoRequest, key: string, stored: ThreadState | undefined): Promise<Reply> {
    const fixes = this.ctx.options.fixes;
    if (!fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const id = normaliseFixId(action.value) ?? action.value;
    const fix = await safeRead(() => fixes.store.get(id));
    if (!fix) return { kind: 'text', text: BOT_TEXTS.alreadyGone(id) };
    if (action.user !== fix.savedBy && action.user !== fix.author)
      return { kind: 'text', text: BOT_TEXTS.undoNotYours(id) };
    if (Date.now() - fix.savedAt > TEAM_FIX_DEFAULTS.undoMs) return { kind: 'text', text: BOT_TEXTS.undoTooLate(id) };
    try {
      await fixes.store.delete(id);
    } catch (error) {
      if (error instanceof StorageError) return { kind: 'text', text: BOT_TEXTS.removeDown };
      throw error;
    }
    fixes.index.remove(id);
    // Read again after the delete: the thread may have moved on while it was written.
    const state = stored ? ((await this.ctx.threads.get(key)) ?? stored) : undefined;
    if (state) {
      const unmark = (f: ThreadFixRef): ThreadFixRef => (f.id === id ? { messageId: f.messageId, user: f.user } : f);
      await this.ctx.threads.set(key, {
        ...state,
        ...(state.lastFix ? { lastFix: unmark(state.lastFix) } : {}),
        ...(state.fixes ? { fixes: state.fixes.map(unmark) } : {}),
        ...(state.led === id ? { led: undefined } : {}),
        updatedAt: Date.now(),
      });
    }
    this.ctx.records.emit({
      type: 'fix_removed',
      conversation: action.conversation,
      thread: action.thread,
      fixId: id,
      by: action.user,
    });
    return { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.removed(id) };
  }

  /** The fix `fixId` was "not it" here: feedback after it is about the article shown under it, no longer the fix. */
  async dropLead(key: string, before: ThreadState, fixId: string): Promise<void> {
    if (before.led !== fixId) return;
    // Read again: feedback was written first, and the thread may have moved on meanwhile.
    const state = (await this.ctx.threads.get(key)) ?? before;
    if (state.led !== fixId) return;
    const { led: _led, ...rest } = state;
    void _led;
    await this.ctx.threads.set(key, { ...rest, updatedAt: Date.now() });
  }

  /** A saved fix by id, or undefined (no fix store, not there, storage unreadable). */
  async fixById(id: string): Promise<FixRecord | undefined> {
    const fixes = this.ctx.options.fixes;
    if (!fixes) return undefined;
    return fixes.index.get(id) ?? (await safeRead(() => fixes.store.get(id)));
  }

  /**
   * The team fix that leads the answer to `query`, if one does: the best fix hit that `FixIndex.leads`
   * lets lead, its confidence times what feedback on similar messages says of it (a fix that keeps
   * being "not it" sinks below the lead). None without a fix store, or when the index fails.
   */
  leadingFix(query: string, m: MatchResult): FixHit | undefined {
    const index = this.ctx.options.fixes?.index;
    if (!index) return undefined;
    let hits: FixHit[];
    try {
      hits = index.search(query);
    } catch (error) {
      if (error instanceof StorageError) return undefined;
      throw error;
    }
    const learning = this.ctx.options.learning;
    return hits.find((hit) =>
      index.leads(hit, learning ? learning.factor(learning.votesFor(m.signature, hit.fix.id)) : 1),
    );
  }
}

/**
 * Could this message be a fix? Not a command, thanks or other feedback, a follow-up or a greeting;
 * a fix report always can.
 */
function saveable(text: string): boolean {
  if (!text.trim() || readSaveFix(text)) return false;
  if (isFixReport(text)) return true;
  const plain = undoChatMarkup(text).text;
  if (!plain || isThumbsUp(plain) || readFollowUp(plain)) return false;
  return !['feedback', 'greeting', 'help'].includes(classifyIntent(text).intent);
}

/** A pasted error or alert, not a person's fix report. */
function isErrorPaste(text: string): boolean {
  const intent = classifyIntent(text).intent;
  return (intent === 'error_paste' || intent === 'alert') && !isFixReport(text);
}

/** A fix's text as kept: entities decoded, the bot's mention in front dropped, code fences and lines as written. */
function fixText(raw: string): string {
  return decodeEntities(raw.replace(/^\s*(?:<@[\w.|-]+>|<at>[^<]*<\/at>)[\s,:]*/i, '')).trim();
}

/** A read that fails soft: a storage that cannot be read finds nothing. */
async function safeRead<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof StorageError) return undefined;
    throw error;
  }
}
