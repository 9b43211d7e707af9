/**
 * The messaging-extension commands the Teams app declares (appPackage/manifest.template.json,
 * `composeExtensions[0].commands`) and the bot answers. Kept apart from the handlers (search.ts,
 * save-fix.ts) so the package check reads them without loading botbuilder.
 */

/** The search command (type query, in the compose box and command box): search.ts. */
export const SEARCH_COMMAND = 'searchKb';
/** Its one parameter, the text searched for. */
export const SEARCH_PARAMETER = 'query';

/** The "Save as fix" message action (type action, context message, a static form): save-fix.ts. */
export const SAVE_FIX_COMMAND = 'saveFix';
/** The action form's only field: the fix's title (optional; else the bot takes the thread's first error). */
export const SAVE_FIX_TITLE_PARAMETER = 'title';

/** What the template must declare of each command for the bot to answer it. */
export interface CommandShape {
  id: string;
  type: 'query' | 'action';
  /** Contexts the command must be offered in. */
  context: readonly string[];
  parameter: string;
  /** Action commands: a static form (`fetchTask: false`), as the bot answers no fetchTask invoke. */
  fetchTask?: false;
}

export const TEAMS_COMMANDS: readonly CommandShape[] = [
  { id: SEARCH_COMMAND, type: 'query', context: ['compose'], parameter: SEARCH_PARAMETER },
  { id: SAVE_FIX_COMMAND, type: 'action', context: ['message'], parameter: SAVE_FIX_TITLE_PARAMETER, fetchTask: false },
];
