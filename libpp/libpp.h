/* libpp.h: the umbrella header of libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __LIBPP_H__
#define __LIBPP_H__

#define __LIBPP_H_INSIDE__

#include <libpp/pp-version.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-enum-types.h>

#include <libpp/pp-document.h>
#include <libpp/pp-document-builder.h>
#include <libpp/pp-reader.h>
#include <libpp/pp-json-parse.h>
#include <libpp/pp-json-write.h>
#include <libpp/pp-segment.h>
#include <libpp/pp-segmenter.h>
#include <libpp/pp-llm-request.h>
#include <libpp/pp-llm-response.h>
#include <libpp/pp-llm-client.h>
#include <libpp/pp-cache.h>
#include <libpp/pp-concurrency-limiter.h>
#include <libpp/pp-aimd-limiter.h>
#include <libpp/pp-circuit-breaker.h>
#include <libpp/pp-convert-context.h>
#include <libpp/pp-converter.h>
#include <libpp/pp-registry.h>
#include <libpp/pp-plugin.h>
#include <libpp/pp-stats.h>
#include <libpp/pp-reconciler.h>
#include <libpp/pp-processor.h>

#include <libpp/jsonld/pp-jsonld-error.h>
#include <libpp/jsonld/pp-jsonld-options.h>
#include <libpp/jsonld/pp-document-loader.h>
#include <libpp/jsonld/pp-jsonld.h>

#undef __LIBPP_H_INSIDE__

#endif /* __LIBPP_H__ */
