import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/** The TCP addresses a process (and its children) listens on, read from /proc (Linux): "127.0.0.1:5432", "[::1]:80", ... */
export function listeningAddresses(pid: number): string[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pids[i] && !pids.includes(Number(d))) pids.push(Number(d));
      } catch {
        /* gone */
      }
    }
  }
  const inodes = new Set<string>();
  for (const p of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const out: string[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A' || !inodes.has(f[9])) continue; // 0A = LISTEN
      const [hex, portHex] = f[1].split(':') as [string, string];
      const port = parseInt(portHex, 16);
      if (!v6) {
        const b = Buffer.from(hex, 'hex');
        out.push(`${b[3]}.${b[2]}.${b[1]}.${b[0]}:${port}`);
      } else {
        // four little-endian 32-bit words
        const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse().toString('hex'));
        const groups = words
          .join('')
          .match(/.{4}/g)!
          .map((g) => g.replace(/^0+(?=.)/, ''));
        out.push(`[${groups.join(':')}]:${port}`);
      }
    }
  }
  return out;
}

/** An address is loopback: 127.0.0.0/8, ::1, or ::ffff:127.x. */
export function isLoopback(address: string): boolean {
  return /^127\.\d+\.\d+\.\d+:\d+$/.test(address) || /^\[0:0:0:0:0:0:0:1\]:\d+$/.test(address) || /^\[0:0:0:0:0:ffff:7f/.test(address);
}

/** The first address of this machine that is not internal (IPv4 preferred), or undefined. */
export function externalAddress(): string | undefined {
  const all = Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal);
  return (all.find((a) => a.family === 'IPv4') ?? all[0])?.address;
}

/** Tries a TCP connection: 'open', or the error code (ECONNREFUSED, ETIMEDOUT, ...). */
export function tryConnect(host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r: string) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => done('ETIMEDOUT'));
    s.once('connect', () => done('open'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
  });
}
