// Renders docs/configuration.md from the configuration schema (src/config/schema.ts): one row per key, in schema order.
import { CONFIG_KEYS } from '../../src/config/schema.js';

/** Escapes text for a Markdown table cell (pipes and line breaks would break the row). */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The whole document as a string (LF line endings, trailing newline); pure, so a test can compare it with the file. */
export function renderConfigurationDoc(): string {
  const rows = Object.values(CONFIG_KEYS).map((def) => {
    const fallback = def.default === undefined ? 'unset' : def.default === '' ? '(empty)' : `\`${cell(def.default)}\``;
    return `| \`${def.env}\` | ${fallback} | ${cell(def.doc)} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run config-docs`; do not edit by hand (a test checks it is current). -->',
    '',
    'Every setting is an environment variable, validated at start: a bad value stops the process with a message',
    'naming the variable and what was expected. An empty value counts as unset.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
