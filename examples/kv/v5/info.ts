// INFO: the server, clients and keyspace sections, in Redis's format.

import os from 'node:os';
import { clients, type Client } from './clients.js';
import { dbs } from './store.js';

const SECTIONS = ['server', 'clients', 'keyspace'] as const;
type Section = (typeof SECTIONS)[number];

/** The INFO text for the requested sections (none, `default`, `all`: every one). */
export function infoText(requested: readonly string[], client: Client): string {
  const wanted = new Set(requested.map((s) => s.toLowerCase()));
  const everything = wanted.size === 0 || wanted.has('default') || wanted.has('all') || wanted.has('everything');
  const parts: string[] = [];
  for (const section of SECTIONS) {
    if (everything || wanted.has(section)) parts.push(render(section, client));
  }
  return parts.join('\r\n');
}

function render(section: Section, client: Client): string {
  const fields = section === 'server' ? server(client) : section === 'clients' ? connected() : keyspaceInfo();
  const title = section[0]?.toUpperCase() + section.slice(1);
  return [`# ${title}`, ...fields.map(([name, value]) => `${name}:${value}`)].map((line) => line + '\r\n').join('');
}

function server(client: Client): Array<[string, string | number]> {
  const uptime = Math.floor(process.uptime());
  return [
    ['redis_version', '7.0.0'],
    ['redis_mode', 'standalone'],
    ['kv_release', 'v5'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['process_id', process.pid],
    ['tcp_port', client.laddr.slice(client.laddr.lastIndexOf(':') + 1)],
    ['uptime_in_seconds', uptime],
    // v5 fix: v4 divided by 3600, reporting hours as days.
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['executable', process.argv[1] ?? ''],
  ];
}

function connected(): Array<[string, string | number]> {
  return [
    ['connected_clients', clients.size],
    ['blocked_clients', 0],
    ['tracking_clients', 0],
  ];
}

/** One line per non-empty database: keys, keys with a TTL, their mean TTL in ms. */
function keyspaceInfo(): Array<[string, string | number]> {
  const now = Date.now();
  const lines: Array<[string, string]> = [];
  dbs.forEach((map, index) => {
    if (map.size === 0) return;
    let expires = 0;
    let ttlSum = 0;
    for (const entry of map.values()) {
      if (entry.expiresAt === undefined) continue;
      expires++;
      ttlSum += Math.max(entry.expiresAt - now, 0);
    }
    const avgTtl = expires === 0 ? 0 : Math.round(ttlSum / expires);
    lines.push([`db${index}`, `keys=${map.size},expires=${expires},avg_ttl=${avgTtl}`]);
  });
  return lines;
}
