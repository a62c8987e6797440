import './setup.mjs';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const PWA = fileURLToPath(new URL('../../pwa/', import.meta.url));
const JS = join(PWA, 'js');
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? walk(path) : [path];
});
const modules = walk(JS).filter((p) => p.endsWith('.js'));
const rel = (p) => relative(PWA, p).split('\\').join('/');

test('every module loads: each import names a file and a name that exist', async () => {
  for (const path of modules) {
    if (path.endsWith('/app.js')) continue; // starts the app on import (tested in navigation.test.mjs)
    await assert.doesNotReject(import(path), rel(path));
  }
});

test("staff-only code is reached only by app.js's dynamic import(), never by a young person's modules", () => {
  for (const path of modules) {
    if (rel(path).startsWith('js/staff/')) continue;
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /from\s+'[^']*staff\/[^']*'/, `${rel(path)} imports staff code`);
    if (!path.endsWith('/app.js')) assert.doesNotMatch(text, /import\(\s*[`'][^`']*staff\//, `${rel(path)} loads staff code`);
  }
  // Each staff route's module is where the router looks for it.
  const app = readFileSync(join(JS, 'app.js'), 'utf8');
  const staffRoutes = [...app.matchAll(/\{ module: '([\w-]+)', access: '[\w-]+', staff: true/g)].map((m) => m[1]);
  assert.ok(staffRoutes.length >= 10);
  for (const name of staffRoutes) assert.ok(existsSync(join(JS, 'staff', 'screens', `${name}.js`)), name);
  for (const m of app.matchAll(/\{ module: '([\w-]+)', access: '[\w-]+'(?!, staff: true)/g)) {
    assert.ok(existsSync(join(JS, 'screens', `${m[1]}.js`)), m[1]);
  }
});

test('the service worker precaches no staff file (when it lists its files by hand, each one exists)', () => {
  const sw = readFileSync(join(PWA, 'sw.js'), 'utf8');
  const listed = sw.match(/SHELL_FILES = \[([^\]]*)\]/);
  if (!listed) return; // derived from the files at serving time instead
  const files = [...listed[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  assert.ok(files.length > 10);
  for (const file of files) {
    assert.ok(!file.startsWith('js/staff/'), file);
    assert.ok(existsSync(join(PWA, file)), `${file} is listed but missing`);
  }
  for (const path of modules) {
    const file = rel(path);
    if (!file.startsWith('js/staff/')) assert.ok(files.includes(file), `${file} is not precached`);
  }
});
