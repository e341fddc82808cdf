/* pp-version-macros.h: symbol visibility for libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib.h>

#if defined(_WIN32) && !defined(__GNUC__)
# ifdef LIBPP_COMPILATION
#  define _PP_EXPORT __declspec(dllexport)
# else
#  define _PP_EXPORT __declspec(dllimport)
# endif
#elif defined(__GNUC__)
# define _PP_EXPORT __attribute__((visibility ("default")))
#else
# define _PP_EXPORT
#endif

#define _PP_EXTERN _PP_EXPORT extern

/**
 * PP_AVAILABLE_IN_ALL:
 *
 * Marks a public symbol of libpp, available in every version.
 */
#define PP_AVAILABLE_IN_ALL _PP_EXTERN
