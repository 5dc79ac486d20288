// The page's request/reply protocol (www/protocol.js) and its line buffers (www/line-buffers.js),
// over Node's MessageChannel: what a worker answers, what it refuses, and what moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ANSWERS, connect, serve, transferring } from '../../www/protocol.js';
import { CAP, SpareBuffers, bufferedLines } from '../../www/line-buffers.js';

/** A connection to handlers served as `role` on the other end of a channel; `close()` ends both. */
function served(role, handlers) {
  const { port1, port2 } = new MessageChannel();
  serve(role, handlers, port2);
  const connection = connect(port1);
  return { connection, close: () => { port1.close(); port2.close(); } };
}

const hasher = (push) => ({
  start: async () => ({}), push, digest: async () => '', rest: async () => '', memory: async () => 0,
});

test('a request the worker does not answer is refused by name, with the names it answers', async () => {
  const { connection, close } = served('hasher', hasher(async () => ({})));
  try {
    await assert.rejects(connection.request('digets', { stream: 1 }), (e) => {
      assert.equal(e.text, "Unknown request 'digets' (this worker answers: start, push, digest, rest, memory)");
      return true;
    });
  } finally {
    close();
  }
});

test('a worker whose handlers differ from its declared requests does not start', () => {
  const { port2 } = new MessageChannel();
  const { memory, ...fewer } = hasher(async () => ({}));
  assert.throws(() => serve('hasher', fewer, port2), /missing memory; not declared none/);
  assert.throws(() => serve('hasher', { ...hasher(async () => ({})), extra: async () => 1 }, port2), /missing none; not declared extra/);
  port2.close();
});

test('buffers move both ways only where listed, and errors come back as KmixErrors', async () => {
  let kept = null;
  const { connection, close } = served('hasher', hasher(async ({ bytes }) => {
    if (bytes.length === 0) throw new Error('nothing to hash');
    kept = bytes;
    return transferring({ bytes }, [bytes.buffer]);
  }));
  try {
    const bytes = new Uint8Array([1, 2, 3]);
    const back = await connection.request('push', { stream: 1, bytes }, undefined, [bytes.buffer]);
    assert.equal(bytes.byteLength, 0, 'sent: gone from here');
    assert.deepEqual([...back.bytes], [1, 2, 3]);
    assert.equal(kept.byteLength, 0, 'answered: gone from the worker');
    const copied = new Uint8Array([4]);
    await connection.request('push', { stream: 1, bytes: copied });
    assert.equal(copied.byteLength, 1, 'not listed: copied, kept here');
    await assert.rejects(connection.request('push', { stream: 1, bytes: new Uint8Array() }),
      (e) => e.kind === 'io' && e.text === 'nothing to hash');
  } finally {
    close();
  }
});

test('requests are answered one at a time, in order, but for a manifest, which lets later ones by', async () => {
  const seen = [];
  let release;
  const hashed = new Promise((resolve) => { release = resolve; });
  const handlers = Object.fromEntries(ANSWERS.coordinator.map((type) => [type, async () => {
    seen.push(`${type} starts`);
    if (type === 'run') await new Promise((resolve) => setTimeout(resolve, 20));
    if (type === 'manifest') await hashed;
    seen.push(`${type} ends`);
    return type;
  }]));
  const { connection, close } = served('coordinator', handlers);
  try {
    const answers = ['run', 'manifest', 'browseRows'].map((type) => connection.request(type, {}));
    // The run was sent first, so the manifest waits for it; the rows do not wait for the manifest.
    assert.equal(await answers[2], 'browseRows');
    release();
    assert.deepEqual(await Promise.all(answers), ['run', 'manifest', 'browseRows']);
    assert.deepEqual(seen, ['run starts', 'run ends', 'manifest starts', 'browseRows starts', 'browseRows ends', 'manifest ends']);
  } finally {
    close();
  }
});

test('every worker serves exactly the requests its typedef declares', () => {
  const protocol = readFileSync(new URL('../../www/protocol.js', import.meta.url), 'utf8');
  const declared = (name) => {
    const typedef = protocol.split('@typedef {{\n').find((t) => t.includes(`}} ${name}\n`));
    return [...typedef.matchAll(/^ \*   (\w+): \[/gm)].map((m) => m[1]);
  };
  assert.deepEqual(declared('CoordinatorRequests'), ANSWERS.coordinator);
  assert.deepEqual(declared('ProcessorRequests'), ANSWERS.processor);
  assert.deepEqual(declared('HasherRequests'), ANSWERS.hasher);
  for (const [file, role] of [['worker.js', 'coordinator'], ['processor.js', 'processor'], ['hasher.js', 'hasher']]) {
    const source = readFileSync(new URL(`../../www/${file}`, import.meta.url), 'utf8');
    assert.match(source, new RegExp(`serve\\('${role}', \\{`), `${file} serves as the ${role}`);
  }
});

test('a holder keeps at most CAP spare buffers, the newest, and gives them out oldest first', () => {
  const spares = new SpareBuffers();
  const buffers = Array.from({ length: CAP + 3 }, (_, i) => new ArrayBuffer(i + 1));
  spares.give(buffers.slice(0, 2));
  spares.give(buffers.slice(2));
  assert.equal(spares.held.length, CAP);
  assert.deepEqual(spares.take(2), buffers.slice(3, 5));
  assert.equal(spares.held.length, CAP - 2);
  const shared = new ArrayBuffer(8);
  const result = { lines: [{ bytes: new Uint8Array(shared, 0, 4) }, { bytes: new Uint8Array(shared, 4) }, { bytes: new Uint8Array(2) }] };
  assert.equal(bufferedLines(result).length, 2, 'a buffer shared by two files is listed once');
});

test('the requests, their arguments and results type-check where the page makes them (tsc -p jsconfig.json)', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const tsc = spawnSync(`${root}node_modules/.bin/tsc`, ['-p', `${root}jsconfig.json`], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
