// Until the TypeScript wire types are generated from Rust (ts-rs), this test keeps
// src/lib/backend/types.ts honest: every interface and string union there must match the
// serde shape of the Rust type of the same name in crates/api — the same camelCase fields,
// the same optional ones (those the Rust side skips when empty), the same snake_case values.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const apiDir = join(__dirname, '..', '..', 'crates', 'api', 'src');
const tsSource = readFileSync(join(__dirname, '..', 'src', 'lib', 'backend', 'types.ts'), 'utf8');
const rustSource = readdirSync(apiDir)
  .filter((name) => name.endsWith('.rs'))
  .map((name) => readFileSync(join(apiDir, name), 'utf8').split('#[cfg(test)]')[0])
  .join('\n');

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const snake = (pascal: string) => pascal.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

interface Shape {
  fields: Map<string, boolean>;
  flatten: string[];
}

/** `pub struct Name { … }` with serde camelCase → field name → optional on the wire. */
function rustStructs(): Map<string, Shape> {
  const structs = new Map<string, Shape>();
  for (const match of rustSource.matchAll(/pub struct (\w+) \{([\s\S]*?)\n\}/g)) {
    const shape: Shape = { fields: new Map(), flatten: [] };
    let attributes = '';
    for (const line of (match[2] ?? '').split('\n')) {
      const trimmed = line.trim();
      if (trimmed.startsWith('#[')) attributes += trimmed;
      const field = /^pub (\w+): (.+?),?$/.exec(trimmed);
      if (!field) continue;
      const [, name = '', type = ''] = field;
      const renamed = /rename = "(\w+)"/.exec(attributes)?.[1];
      if (attributes.includes('flatten')) shape.flatten.push(type.trim());
      else shape.fields.set(renamed ?? camel(name), attributes.includes('skip_serializing_if'));
      attributes = '';
    }
    structs.set(match[1] ?? '', shape);
  }
  return structs;
}

/** Unit-variant enums with `rename_all = "snake_case"` → their wire values. */
function rustEnums(): Map<string, string[]> {
  const enums = new Map<string, string[]>();
  for (const match of rustSource.matchAll(/rename_all = "snake_case"\)\]\npub enum (\w+) \{([\s\S]*?)\n\}/g)) {
    const body = (match[2] ?? '').replace(/\/\/\/.*$/gm, '');
    if (body.includes('{')) continue;
    const values = [...body.matchAll(/^\s+(?:#\[serde\(other\)\]\s*)?(\w+),$/gm)].map((variant) => snake(variant[1] ?? ''));
    enums.set(match[1] ?? '', values);
  }
  return enums;
}

function tsInterfaces(): Map<string, { extends?: string; fields: Map<string, boolean> }> {
  const interfaces = new Map<string, { extends?: string; fields: Map<string, boolean> }>();
  for (const match of tsSource.matchAll(/export interface (\w+)(?: extends (\w+))? \{([\s\S]*?)\n\}/g)) {
    const body = (match[3] ?? '').replace(/\/\*\*[\s\S]*?\*\//g, '');
    const fields = new Map<string, boolean>();
    for (const field of body.matchAll(/^ {2}(\w+)(\?)?:/gm)) fields.set(field[1] ?? '', field[2] === '?');
    interfaces.set(match[1] ?? '', { ...(match[2] ? { extends: match[2] } : {}), fields });
  }
  return interfaces;
}

function tsUnions(): Map<string, string[]> {
  const unions = new Map<string, string[]>();
  for (const match of tsSource.matchAll(/export type (\w+) =([^;]+);/g)) {
    const values = [...(match[2] ?? '').matchAll(/'([a-z_]+)'/g)].map((value) => value[1] ?? '');
    if (values.length > 0 && !(match[2] ?? '').includes('{')) unions.set(match[1] ?? '', values);
  }
  return unions;
}

describe('types.ts mirrors crates/api', () => {
  const structs = rustStructs();
  const interfaces = tsInterfaces();

  it('finds the Rust types to compare with', () => {
    expect(structs.size).toBeGreaterThan(30);
    expect(interfaces.size).toBeGreaterThan(30);
  });

  it.each([...interfaces.keys()])('interface %s has the fields of the Rust struct', (name) => {
    const rust = structs.get(name);
    expect(rust, `crates/api has a struct ${name}`).toBeDefined();
    const expected = new Map(rust?.fields);
    for (const flattened of rust?.flatten ?? []) {
      for (const [field, optional] of structs.get(flattened)?.fields ?? []) expected.set(field, optional);
    }
    const ts = interfaces.get(name);
    const actual = new Map(ts?.fields);
    if (ts?.extends) for (const [field, optional] of interfaces.get(ts.extends)?.fields ?? []) actual.set(field, optional);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  const enums = rustEnums();
  it.each([...tsUnions().entries()])('union %s has the values of the Rust enum', (name, values) => {
    expect(enums.get(name), `crates/api has an enum ${name}`).toBeDefined();
    expect([...values].sort()).toEqual([...(enums.get(name) ?? [])].sort());
  });
});
