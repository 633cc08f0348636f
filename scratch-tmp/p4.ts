import { PGlite } from '@electric-sql/pglite';
const dir = '/tmp/pgl-probe/d4';
let t = performance.now();
const p = await PGlite.create({ dataDir: dir }); 
console.log('create plain', performance.now() - t);
t = performance.now();
await p.close();
console.log('close plain', performance.now() - t);
