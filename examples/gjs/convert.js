#!/usr/bin/env -S gjs -m
// convert.js: a document to one JSON-LD graph with libpp, from GJS
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m convert.js [--endpoint URL] [FILE]
//
// Converts FILE (plain text or Markdown), or a short text of its own when none
// is given, against an OpenAI-compatible endpoint: URL, or else the one that
// OPENAI_BASE_URL names (OPENAI_API_KEY and OPENAI_MODEL are read too). The
// progress goes to standard error, the JSON-LD to standard output. Exits 1 when
// the document could not be converted.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Pp from 'gi://Pp?version=1';
import System from 'system';

const EXAMPLE_TEXT = `# Ada Lovelace

Ada Lovelace wrote the first published program, for Charles Babbage's
Analytical Engine, in London in 1843.

## The Analytical Engine

Charles Babbage designed the Analytical Engine, a general-purpose mechanical
computer, in 1837.
`;

const USAGE = 'Usage: convert.js [--endpoint URL] [FILE]';

function parseArguments(args) {
    const options = {endpoint: null, file: null};

    for (let i = 0; i < args.length; i++) {
        if (args[i] === '--endpoint' && i + 1 < args.length)
            options.endpoint = args[++i];
        else if (args[i].startsWith('--endpoint='))
            options.endpoint = args[i].slice('--endpoint='.length);
        else if (args[i] === '--help' || args[i] === '-h')
            return null;
        else if (!args[i].startsWith('-') && options.file === null)
            options.file = args[i];
        else
            throw new Error(`convert.js: unexpected argument ${args[i]}\n${USAGE}`);
    }
    return options;
}

function openDocument(path) {
    if (path === null)
        return Pp.Document.new_from_text('example.md', EXAMPLE_TEXT, -1, Pp.TextFormat.MARKDOWN);
    return Pp.Document.new_from_file(Gio.File.new_for_commandline_arg(path), null);
}

function main(args) {
    let options, client, converter, document;

    try {
        options = parseArguments(args);
        if (options === null) {
            print(USAGE);
            return 0;
        }
        // Without --endpoint, the client reads OPENAI_BASE_URL itself
        const names = options.endpoint ? ['base-url'] : [];
        const values = options.endpoint ? [options.endpoint] : [];
        client = Pp.registry_create_with_properties(Pp.LLM_CLIENT_EXTENSION_POINT, 'openai',
            names, values);
        converter = Pp.registry_create_with_properties(Pp.CONVERTER_EXTENSION_POINT, null, [], []);
        document = openDocument(options.file);
    } catch (error) {
        printerr(`convert.js: ${error.message}`);
        return 1;
    }

    const processor = Pp.Processor.new(converter, client, null);
    const loop = new GLib.MainLoop(null, false);
    let status = 1;

    processor.connect('progress', (_processor, done, failed, total) => {
        printerr(`${done + failed}/${total} segments, ${failed} failed`);
    });
    processor.connect('segment-failed', (_processor, segment, error) => {
        printerr(`Segment ${segment.get_index()}: ${error.message}`);
    });
    processor.process_document_async(document, null, (_processor, result) => {
        try {
            const graph = processor.process_document_finish(result);
            print(Pp.jsonld_to_json(graph, true));
            status = 0;
        } catch (error) {
            printerr(`${document.get_name()}: ${error.message}`);
        }
        loop.quit();
    });
    loop.run();

    return status;
}

System.exit(main(System.programArgs));
