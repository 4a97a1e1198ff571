import { readFileSync } from 'node:fs';
import { startWorld } from './setup.js';
import { prepareTokens } from './scenario-tokens.js';
const split = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); return [Number(x[11]), Number(x[12])]; };
const w = await startWorld({ customers: 8, concurrency: 8 });
try {
  await prepareTokens(w);
  for (const [name, server, task] of [['idp', w.idp, (vu: number) => w.rememberedLogin(vu)], ['bare', w.base, (vu: number) => w.bareLogin(vu)]] as const) {
    const a = split(server.pid);
    const r = await w.load(server, 1e6, 8, task);
    const b = split(server.pid);
    const u = (b[0]! - a[0]!) * 10 / r.count, s = (b[1]! - a[1]!) * 10 / r.count;
    console.log(name, r.count, 'logins; per login user', u.toFixed(2), 'ms, sys', s.toFixed(2), 'ms');
  }
} finally { await w.close(); }
