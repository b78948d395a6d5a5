import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { resolveConfig, type ResolvedConfig } from './resolve.js';

/** Reads the JSON config file (if any) and the environment, and resolves them into a config. */
export async function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  let raw: unknown = {};
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ConfigError([`${path}: cannot read the config file (${(error as Error).message})`]);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError([`${path}: is not valid JSON (${(error as Error).message})`]);
    }
  }
  return resolveConfig(raw, env);
}
