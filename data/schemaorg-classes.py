#!/usr/bin/env python3
# schemaorg-classes.py: writes the schema.org class hierarchy table
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Reads dist/schema.d.ts of the npm package schema-dts (2.1.0 encodes
# schema.org 30.0) and writes a line per class: the class, a tab, and its
# direct superclasses separated by commas (none for Thing), sorted by class.
#
# schema-dts declares each class as a union of its own "Leaf" interface and
# its direct subclasses:
#
#   export type Person = PersonLeaf | Patient | string;
#
# which is the rdfs:subClassOf relation of the vocabulary. (The interfaces'
# "extends" clauses are not: a class without properties of its own reuses
# its superclass's Base interface.) Data types (Text, Number, Date…) have no
# Leaf and are left out, and so are enumeration members, which are quoted,
# the data types' subclasses (PronounceableText) and the external classes
# schema-dts declares without a place in the hierarchy: every class kept
# has Thing as an ancestor. A leading underscore, which schema-dts adds to
# names that start with a digit (_3DModel), is dropped.
#
# Not run by the build; to regenerate:
#
#   npm pack schema-dts@2.1.0 && tar xf schema-dts-2.1.0.tgz
#   python3 data/schemaorg-classes.py package/dist/schema.d.ts \
#     > data/schemaorg-30.0-classes.tsv

import re
import sys

UNION = re.compile(r'^export type (\w+) = (.*);$')
IDENT = re.compile(r'^[A-Za-z_]\w*$')


def main(path):
    supers = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            match = UNION.match(line.strip())
            if match is None:
                continue
            name, union = match.groups()
            members = [m.strip() for m in union.split('|')]
            if name + 'Leaf' not in members:
                continue
            supers.setdefault(name, set())
            for member in members:
                if IDENT.match(member) and member not in (name + 'Leaf', 'string'):
                    supers.setdefault(member, set()).add(name)

    def below_thing(name, seen=()):
        return name == 'Thing' or any(s not in seen and below_thing(s, seen + (name,))
                                      for s in supers.get(name, ()))

    def schemaorg_name(name):
        return name[1:] if name.startswith('_') and name[1:2].isdigit() else name

    classes = {schemaorg_name(n): sorted(schemaorg_name(s) for s in supers[n])
               for n in supers if below_thing(n)}
    for name in sorted(classes):
        print(name + '\t' + ','.join(classes[name]))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: schemaorg-classes.py SCHEMA.D.TS')
    main(sys.argv[1])
