/* pp-version-macros.h: symbol visibility and versioning for libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib.h>

#include <libpp/pp-version.h>

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
 * PP_VERSION_0_1:
 *
 * The encoded value of libpp 0.1, for %PP_VERSION_MIN_REQUIRED and
 * %PP_VERSION_MAX_ALLOWED.
 *
 * Since: 0.1
 */
#define PP_VERSION_0_1 (PP_ENCODE_VERSION (0, 1, 0))

/**
 * PP_VERSION_0_2:
 *
 * The encoded value of libpp 0.2, for %PP_VERSION_MIN_REQUIRED and
 * %PP_VERSION_MAX_ALLOWED.
 *
 * Since: 0.2
 */
#define PP_VERSION_0_2 (PP_ENCODE_VERSION (0, 2, 0))

/* An odd minor version is a development series leading to the next even one */
#if (PP_MINOR_VERSION % 2)
# define PP_VERSION_CUR_STABLE (PP_ENCODE_VERSION (PP_MAJOR_VERSION, PP_MINOR_VERSION + 1, 0))
#else
# define PP_VERSION_CUR_STABLE (PP_ENCODE_VERSION (PP_MAJOR_VERSION, PP_MINOR_VERSION, 0))
#endif

#if (PP_MINOR_VERSION % 2)
# define PP_VERSION_PREV_STABLE (PP_ENCODE_VERSION (PP_MAJOR_VERSION, PP_MINOR_VERSION - 1, 0))
#else
# define PP_VERSION_PREV_STABLE (PP_ENCODE_VERSION (PP_MAJOR_VERSION, PP_MINOR_VERSION - 2, 0))
#endif

/**
 * PP_VERSION_MIN_REQUIRED:
 *
 * The oldest libpp an application means to run with, as a `PP_VERSION_x_y`
 * value. Define it before including `<libpp/libpp.h>`: symbols deprecated in
 * that version or earlier then warn when used. It defaults to the current
 * stable version.
 *
 * Since: 0.1
 */
#ifndef PP_VERSION_MIN_REQUIRED
# define PP_VERSION_MIN_REQUIRED (PP_VERSION_CUR_STABLE)
#endif

/**
 * PP_VERSION_MAX_ALLOWED:
 *
 * The newest libpp API an application may use, as a `PP_VERSION_x_y` value.
 * Define it before including `<libpp/libpp.h>`: symbols added after that
 * version then warn when used. It defaults to %PP_VERSION_MIN_REQUIRED when
 * that is newer than the previous stable version, else to the current one.
 *
 * Since: 0.1
 */
#ifndef PP_VERSION_MAX_ALLOWED
# if PP_VERSION_MIN_REQUIRED > PP_VERSION_PREV_STABLE
#  define PP_VERSION_MAX_ALLOWED (PP_VERSION_MIN_REQUIRED)
# else
#  define PP_VERSION_MAX_ALLOWED (PP_VERSION_CUR_STABLE)
# endif
#endif

#if PP_VERSION_MAX_ALLOWED < PP_VERSION_MIN_REQUIRED
# error "PP_VERSION_MAX_ALLOWED must be >= PP_VERSION_MIN_REQUIRED"
#endif
#if PP_VERSION_MIN_REQUIRED < PP_VERSION_0_1
# error "PP_VERSION_MIN_REQUIRED must be >= PP_VERSION_0_1"
#endif

#define PP_DEPRECATED _PP_EXTERN G_DEPRECATED
#define PP_DEPRECATED_FOR(f) _PP_EXTERN G_DEPRECATED_FOR(f)
#define PP_UNAVAILABLE(maj,min) _PP_EXTERN G_UNAVAILABLE(maj,min)

/**
 * PP_AVAILABLE_IN_ALL:
 *
 * Marks a public symbol of libpp, available in every version (0.1 on).
 *
 * Since: 0.1
 */
#define PP_AVAILABLE_IN_ALL _PP_EXTERN

/* 0.1 */
#if PP_VERSION_MIN_REQUIRED >= PP_VERSION_0_1
# define PP_DEPRECATED_IN_0_1 PP_DEPRECATED
# define PP_DEPRECATED_IN_0_1_FOR(f) PP_DEPRECATED_FOR(f)
#else
# define PP_DEPRECATED_IN_0_1 _PP_EXTERN
# define PP_DEPRECATED_IN_0_1_FOR(f) _PP_EXTERN
#endif

#if PP_VERSION_MAX_ALLOWED < PP_VERSION_0_1
# define PP_AVAILABLE_IN_0_1 PP_UNAVAILABLE(0, 1)
#else
# define PP_AVAILABLE_IN_0_1 _PP_EXTERN
#endif

/* 0.2 */
#if PP_VERSION_MIN_REQUIRED >= PP_VERSION_0_2
# define PP_DEPRECATED_IN_0_2 PP_DEPRECATED
# define PP_DEPRECATED_IN_0_2_FOR(f) PP_DEPRECATED_FOR(f)
#else
# define PP_DEPRECATED_IN_0_2 _PP_EXTERN
# define PP_DEPRECATED_IN_0_2_FOR(f) _PP_EXTERN
#endif

#if PP_VERSION_MAX_ALLOWED < PP_VERSION_0_2
# define PP_AVAILABLE_IN_0_2 PP_UNAVAILABLE(0, 2)
#else
# define PP_AVAILABLE_IN_0_2 _PP_EXTERN
#endif
