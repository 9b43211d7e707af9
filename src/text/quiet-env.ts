/**
 * natural pulls in dotenv, which prints a banner to stdout unless DOTENV_CONFIG_QUIET is set.
 * Imported (for its side effect) before `natural`, so stdout stays the bot's alone.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
export {};
