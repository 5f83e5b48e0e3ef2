// Fluent files imported with `?fluent` arrive parsed: the build runs @fluent/bundle's own
// parser (`FluentResource`) over the file and the module exports the parsed entries as JSON,
// which a `FluentBundle` takes as it is (`addResource` reads only `body`). Parsing the
// Vietnamese files in the webview cost about 15 ms of every start, before the first screen
// could render; `JSON.parse` of the same entries costs a fraction of it. Same parser, same
// entries: what the app shows does not change.

import { readFile } from 'node:fs/promises';
import { FluentResource } from '@fluent/bundle';
import type { Plugin } from 'vite';

const QUERY = '?fluent';

export function fluentResources(): Plugin {
  return {
    name: 'opendvc-fluent-resources',
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith(QUERY)) return null;
      const file = id.slice(0, -QUERY.length);
      this.addWatchFile(file);
      const body = new FluentResource(await readFile(file, 'utf8')).body;
      // A JSON string literal parses faster than the same object as JavaScript.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(body))});`;
    },
  };
}
