/** A `status 3` reply in the exact shape OpenVPN 2.6 prints (see shared/recipes/openvpn), for tests and the benchmark. */
export function formatStatus3(clients: readonly { cn: string; real: string; vip: string; since: number }[], title = 'OpenVPN 2.6.14 x86_64-pc-linux-gnu'): string {
  const lines = [
    `TITLE\t${title}`,
    `TIME\t2026-11-29 18:25:01\t1795976701`,
    'HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher',
    ...clients.map((c, i) => `CLIENT_LIST\t${c.cn}\t${c.real}\t${c.vip}\t\t2312\t2264\t${new Date(c.since * 1000).toISOString().slice(0, 19).replace('T', ' ')}\t${c.since}\tUNDEF\t${i}\t${i}\tAES-256-GCM`),
    'HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)',
    ...clients.map((c) => `ROUTING_TABLE\t${c.vip}\t${c.cn}\t${c.real}\t2026-11-29 18:25:01\t1795976701`),
    'GLOBAL_STATS\tMax bcast/mcast queue length\t0',
    'GLOBAL_STATS\tdco_enabled\t0',
    'END',
  ];
  return lines.join('\r\n') + '\r\n';
}
