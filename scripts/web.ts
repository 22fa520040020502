/**
 * `npm run web -- [--port N] [--demo]`: serves the console on 127.0.0.1 and prints the
 * URL to open. State lives in RELAIS_DATA_DIR (default: the platform's user-data folder).
 */
import { buildRenderer, rendererOutDir } from './build';
import { runWebHost } from './web-runner';

await buildRenderer({ quiet: true });
await runWebHost({ argv: process.argv.slice(2), rendererDir: rendererOutDir(), openBrowser: false });
