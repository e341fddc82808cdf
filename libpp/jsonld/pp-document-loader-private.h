/* pp-document-loader-private.h: what the algorithms keep with a loader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-document-loader.h"

G_BEGIN_DECLS

/* Results derived from the documents of a loader (processed remote
 * contexts), shared between threads and forgotten whenever the documents
 * the loader serves may change. Values are reference-counted: the getter
 * returns a new reference (made with @ref_func) or NULL. */
gpointer  pp_document_loader_get_derived  (PpDocumentLoader *loader,
                                           const char       *key,
                                           gpointer        (*ref_func) (gpointer));
void      pp_document_loader_set_derived  (PpDocumentLoader *loader,
                                           const char       *key,
                                           gpointer          value,
                                           GDestroyNotify    destroy);

G_END_DECLS
