#!/usr/bin/env python3
# convert.py: a document to one JSON-LD graph with libpp, from Python
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   convert.py [--endpoint URL] [FILE]
#
# Converts FILE (plain text or Markdown), or a short text of its own when none
# is given, against an OpenAI-compatible endpoint: URL, or else the one that
# OPENAI_BASE_URL names (OPENAI_API_KEY and OPENAI_MODEL are read too). The
# progress goes to standard error, the JSON-LD to standard output. Exits 1 when
# the document could not be converted.

import argparse
import sys

import gi

gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
gi.require_version('Pp', '1')
from gi.repository import GLib, Gio, Pp  # noqa: E402

EXAMPLE_TEXT = """\
# Ada Lovelace

Ada Lovelace wrote the first published program, for Charles Babbage's
Analytical Engine, in London in 1843.

## The Analytical Engine

Charles Babbage designed the Analytical Engine, a general-purpose mechanical
computer, in 1837.
"""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description='Converts a document to one JSON-LD graph.')
    parser.add_argument('--endpoint', metavar='URL',
                        help='the base URL of an OpenAI-compatible server, '
                             'such as http://127.0.0.1:8080/v1 '
                             '(default: $OPENAI_BASE_URL)')
    parser.add_argument('file', metavar='FILE', nargs='?',
                        help='the document (default: a short example text)')
    return parser.parse_args(argv[1:])


def open_document(path):
    if path is None:
        return Pp.Document.new_from_text('example.md', EXAMPLE_TEXT, -1,
                                         Pp.TextFormat.MARKDOWN)
    return Pp.Document.new_from_file(Gio.File.new_for_commandline_arg(path),
                                     None)


def main(argv):
    args = parse_arguments(argv)

    try:
        # Without --endpoint, the client reads OPENAI_BASE_URL itself
        names = ['base-url'] if args.endpoint else []
        values = [args.endpoint] if args.endpoint else []
        client = Pp.registry_create_with_properties(
            Pp.LLM_CLIENT_EXTENSION_POINT, 'openai', names, values)
        converter = Pp.registry_create_with_properties(
            Pp.CONVERTER_EXTENSION_POINT, None, [], [])
        document = open_document(args.file)
    except GLib.Error as error:
        print(f'convert.py: {error.message}', file=sys.stderr)
        return 1

    processor = Pp.Processor.new(converter, client, None)
    loop = GLib.MainLoop()
    status = 1

    def on_progress(processor, done, failed, total):
        print(f'{done + failed}/{total} segments, {failed} failed',
              file=sys.stderr)

    def on_segment_failed(processor, segment, error):
        print(f'Segment {segment.get_index()}: {error.message}',
              file=sys.stderr)

    def on_done(processor, result):
        nonlocal status
        try:
            graph = processor.process_document_finish(result)
            print(Pp.jsonld_to_json(graph, True))
            status = 0
        except GLib.Error as error:
            print(f'{document.get_name()}: {error.message}', file=sys.stderr)
        loop.quit()

    processor.connect('progress', on_progress)
    processor.connect('segment-failed', on_segment_failed)
    processor.process_document_async(document, None, on_done)
    loop.run()

    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
