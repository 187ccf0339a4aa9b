// Reads librdkafka's property table (rd_kafka_conf_properties_show, the
// addon's configurationTable()) into one record per property. Shared by
// generate-types.js (the config types) and generate-config-docs.js (the
// reference in docs/configuration.md).
'use strict';

/** Properties with a value a user sets (callbacks and pointers are set natively). */
function parseProperties(table) {
  const properties = new Map();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || cells[0] === 'Property' || cells[0].startsWith('---')) continue;
    const [name, scope, range, defaultValue, importance] = cells;
    const rest = cells.slice(5).join('|');
    const typeMatch = /<br>\*Type: ([^*]+)\*/.exec(rest);
    const type = typeMatch ? typeMatch[1].trim() : 'string';
    if (type === 'see dedicated API' || type === 'pointer') continue; // callbacks: set natively
    const description = rest.replace(/\s*<br>\*Type:.*$/, '').trim();
    if (!properties.has(name)) properties.set(name, { name, scope, range, defaultValue, importance, type, description });
  }
  return [...properties.values()];
}

module.exports = { parseProperties };
