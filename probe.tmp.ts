import { connect } from 'node:net';
import { startTestServer } from './test/helpers/fixture.ts';
const s = await startTestServer();
const port = Number(new URL(s.url).port);
for (let i = 0; i < 4; i++) {
  const req = `POST /api/v1/challenges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`;
  const out = await new Promise<string>((r) => {
    const so = connect(port, '127.0.0.1');
    let d = '';
    so.on('data', (c) => (d += c));
    so.on('close', () => r(d));
    so.on('error', () => {});
    so.write(req);
    setTimeout(() => so.destroy(), 2000);
  });
  console.log(JSON.stringify(out.slice(0, 300)));
}
console.log(s.logLines);
await s.close();
