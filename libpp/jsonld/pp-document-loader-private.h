/* pp-document-loader-private.h: what the algorithms keep with a loader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-document-loader.h"
#include "pp-json-value-private.h"

G_BEGIN_DECLS

/* Results derived from the documents of a loader (processed remote
 * contexts), shared between threads and forgotten whenever the documents
 * the loader serves may change. Values are reference-counted: the getter
 * returns a new reference (made with @ref_func) or NULL. A result derived
 * from a bundled context (@source_iri, nullable) stands for it: the loader
 * drops the document, which it can read again when asked for it. */
gpointer  pp_document_loader_get_derived  (PpDocumentLoader *loader,
                                           const char       *key,
                                           gpointer        (*ref_func) (gpointer));
void      pp_document_loader_set_derived  (PpDocumentLoader *loader,
                                           const char       *key,
                                           const char       *source_iri,
                                           gpointer          value,
                                           GDestroyNotify    destroy);

/* pp_document_loader_load() as libpp's values, for the algorithms: the
 * document, read-only and shared between threads, lives in *arena, on
 * which the caller is given a reference. No json-glib tree is built. */
const PpJsonValue *pp_document_loader_load_value (PpDocumentLoader  *loader,
                                                  const char        *iri,
                                                  char             **document_url,
                                                  PpJsonArena      **arena,
                                                  GCancellable      *cancellable,
                                                  GError           **error);

G_END_DECLS
