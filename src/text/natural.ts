/**
 * The `natural` package, loaded quietly (see quiet-env.ts). Import natural from here, never
 * directly: ESM evaluates './quiet-env.js' first, so dotenv sees DOTENV_CONFIG_QUIET in time.
 */
import './quiet-env.js';
import natural from 'natural';

export default natural;
