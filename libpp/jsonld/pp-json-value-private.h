/* pp-json-value-private.h: the JSON values the JSON-LD algorithms work on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A compact JSON representation for the JSON-LD core, built for documents
 * of hundreds of thousands of objects:
 *
 * - Values live in a #PpJsonArena: memory handed out by bumping a pointer
 *   through large chunks, freed all at once with the arena.  Nothing in a
 *   value is freed on its own; whoever owns the result owns its arena.
 *
 * - Strings used as member names, IRIs, terms and keywords are interned in
 *   the arena (pp_json_arena_intern()): one copy per distinct string, and two
 *   interned strings of the same arena are equal exactly when their pointers
 *   are.  The JSON-LD keywords (PP_JSON_KW()) are interned in every arena as
 *   the same static strings, so a keyword compares by pointer across arenas;
 *   any other interned string belongs to its arena (pp_json_value_copy()
 *   re-interns when it copies into another arena).
 *
 * - An object is a flat array of (key, value) members in insertion order;
 *   keys are always interned in the object's arena, so pp_json_object_get()
 *   compares pointers, linearly (JSON-LD objects are small).  An array is a
 *   flat array of value pointers.
 *
 * - A number keeps the text it was read from (pp_json_value_get_number_text())
 *   besides its value: an integer (no fraction, no exponent) as a #gint64, any
 *   other number as a double, as json-glib reads them.
 *
 * - null, true and false are shared static values, the same pointers in
 *   every arena.
 *
 * - A string value has a length and may hold NUL (U+0000) inside, as the
 *   parser reads "\u0000": read it with pp_json_value_get_string_length().
 *   Member names, interned strings and keywords never hold NUL: the parser
 *   refuses an escaped NUL in a member name.  Where the algorithms read a
 *   string value as an IRI, term, language tag or index, they read it as a
 *   C string: expansion, which every algorithm starts with, refuses such a
 *   string holding NUL (pp_jsonld_expansion_check_no_nul()).
 *
 * An arena and its values are not thread-safe: build and read them on one
 * thread, or hand the arena over to another thread as a whole.  Values of
 * one arena may point at values of another (e.g. a result sharing parts of
 * its input) only when the other arena outlives them: take a reference with
 * pp_json_arena_ref().
 *
 * The parser (pp_json_value_parse()) reads bytes straight into values with
 * the checks of pp_json_validate() (the same scanner: UTF-8, a depth of
 * %PP_JSON_MAX_DEPTH, no escaped NUL in a member name, integers within 64
 * bits, no number too large for a double) and the same error messages; it
 * keeps an escaped NUL in a string value, which pp_json_validate() refuses.
 * The writer (pp_json_value_write()) writes bytes as pp_jsonld_to_json()
 * does, a NUL as "\u0000".  JsonNode appears only at the public API:
 * pp_json_value_to_json_node() and pp_json_value_from_json_node() convert
 * there; json-glib cannot hold a string with NUL, so
 * pp_json_value_to_json_node_checked() refuses one.
 */

typedef struct _PpJsonArena PpJsonArena;
typedef struct _PpJsonValue PpJsonValue;
typedef struct _PpJsonMember PpJsonMember;

typedef enum {
  PP_JSON_TYPE_NULL,
  PP_JSON_TYPE_BOOLEAN,
  PP_JSON_TYPE_INT,     /* a number without fraction or exponent, a gint64 */
  PP_JSON_TYPE_DOUBLE,  /* any other number */
  PP_JSON_TYPE_STRING,
  PP_JSON_TYPE_ARRAY,
  PP_JSON_TYPE_OBJECT,
} PpJsonType;

struct _PpJsonMember {
  const char  *key;    /* interned in the object's arena */
  PpJsonValue *value;
};

/* Read the fields through the accessors below; the layout is private */
struct _PpJsonValue {
  PpJsonType type;
  guint32    n;    /* members of an object, elements of an array */
  guint32    cap;  /* room for members or elements */
  union {
    gboolean boolean;
    struct {
      union {
        gint64 i;
        double d;
      } v;
      const char *text;  /* the source text, or NULL when built */
    } number;
    struct {
      const char *str;   /* NUL-terminated; may hold NUL inside, len counts it */
      gsize       len;
    } string;
    PpJsonValue  **items;
    PpJsonMember  *members;
  } u;
};

/* {{{ the arena */

PpJsonArena  *pp_json_arena_new              (void);
PpJsonArena  *pp_json_arena_ref              (PpJsonArena  *arena);
void          pp_json_arena_unref            (PpJsonArena  *arena);

/* @size bytes aligned for any value, not zeroed; lives as long as @arena */
gpointer      pp_json_arena_alloc            (PpJsonArena  *arena,
                                              gsize         size);
/* @mem (@old_size bytes, from @arena) grown to @new_size bytes: in place
 * when it is the last block handed out, else a copy */
gpointer      pp_json_arena_grow             (PpJsonArena  *arena,
                                              gpointer      mem,
                                              gsize         old_size,
                                              gsize         new_size);
/* a NUL-terminated copy of @len bytes of @str */
char         *pp_json_arena_strndup          (PpJsonArena  *arena,
                                              const char   *str,
                                              gsize         len);
/* The one copy of @str in @arena (equal strings: equal pointers) */
const char   *pp_json_arena_intern           (PpJsonArena  *arena,
                                              const char   *str);
const char   *pp_json_arena_intern_len       (PpJsonArena  *arena,
                                              const char   *str,
                                              gsize         len);
/* pp_json_arena_intern() for @interned, a string interned in any arena (a
 * member name, say) or a keyword: its hash and length are kept with it,
 * not computed again */
const char   *pp_json_arena_intern_interned  (PpJsonArena  *arena,
                                              const char   *interned);
/* pp_json_string_hash() of @interned, a string interned in any arena or
 * a keyword, read rather than computed */
guint         pp_json_interned_hash          (const char   *interned);
/* The interned copy of @str if @arena has one, else NULL without adding it:
 * no object of @arena has a key that was never interned */
const char   *pp_json_arena_lookup_interned  (PpJsonArena  *arena,
                                              const char   *str);
/* Empties @arena (which nobody else holds a reference on) for reuse: all
 * its values and strings, interned or not, are gone; its current chunk of
 * memory is kept */
void          pp_json_arena_reset            (PpJsonArena  *arena);
/* bytes @arena holds, taken from the system since it was made or last
 * emptied */
gsize         pp_json_arena_get_size         (PpJsonArena  *arena);
/* Releases @donor (the caller's reference on it, and its values) and,
 * when that was the last reference, keeps its memory in @arena for the
 * values @arena is given next: memory already touched, which costs no
 * page faults, where new memory would */
void          pp_json_arena_take_memory      (PpJsonArena  *arena,
                                              PpJsonArena  *donor);
/* Frees the memory @arena took from others and has not used */
void          pp_json_arena_release_spare    (PpJsonArena  *arena);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonArena, pp_json_arena_unref)

/* }}} */

/* {{{ keywords: interned in every arena, the same pointers everywhere */

typedef enum {
  PP_JSON_KEYWORD_ANY,          /* @any */
  PP_JSON_KEYWORD_BASE,
  PP_JSON_KEYWORD_CONTAINER,
  PP_JSON_KEYWORD_CONTEXT,
  PP_JSON_KEYWORD_DEFAULT,
  PP_JSON_KEYWORD_DIRECTION,
  PP_JSON_KEYWORD_EMBED,
  PP_JSON_KEYWORD_EXPLICIT,
  PP_JSON_KEYWORD_GRAPH,
  PP_JSON_KEYWORD_ID,
  PP_JSON_KEYWORD_IMPORT,
  PP_JSON_KEYWORD_INCLUDED,
  PP_JSON_KEYWORD_INDEX,
  PP_JSON_KEYWORD_JSON,
  PP_JSON_KEYWORD_LANGUAGE,
  PP_JSON_KEYWORD_LIST,
  PP_JSON_KEYWORD_NEST,
  PP_JSON_KEYWORD_NONE,
  PP_JSON_KEYWORD_NULL,
  PP_JSON_KEYWORD_OMIT_DEFAULT,
  PP_JSON_KEYWORD_PREFIX,
  PP_JSON_KEYWORD_PRESERVE,
  PP_JSON_KEYWORD_PROPAGATE,
  PP_JSON_KEYWORD_PROTECTED,
  PP_JSON_KEYWORD_REQUIRE_ALL,
  PP_JSON_KEYWORD_REVERSE,
  PP_JSON_KEYWORD_SET,
  PP_JSON_KEYWORD_TYPE,
  PP_JSON_KEYWORD_VALUE,
  PP_JSON_KEYWORD_VERSION,
  PP_JSON_KEYWORD_VOCAB,
  PP_JSON_N_KEYWORDS,
} PpJsonKeyword;

extern const char * const pp_json_keywords[PP_JSON_N_KEYWORDS];

/* The interned keyword, e.g. PP_JSON_KW (ID) is "@id" */
#define PP_JSON_KW(name) (pp_json_keywords[PP_JSON_KEYWORD_##name])

/* Whether @interned (a string interned in any arena) is one of the
 * keywords above; constant time, inline since every object key of the
 * algorithms is asked.  The keywords' text is one block, in the order of
 * PpJsonKeyword (pp-json-arena.c), and no other interned string is in
 * it: between the first keyword and the last, an interned string is a
 * keyword. */
static inline gboolean
pp_json_is_interned_keyword (const char *interned)
{
  guintptr p = (guintptr) interned;

  return p >= (guintptr) pp_json_keywords[0] &&
         p <= (guintptr) pp_json_keywords[PP_JSON_N_KEYWORDS - 1];
}

/* }}} */

/* {{{ building values; every value lives in @arena */

/* the shared null, true and false */
PpJsonValue  *pp_json_value_null             (void);
PpJsonValue  *pp_json_value_boolean          (gboolean      value);

PpJsonValue  *pp_json_value_new_int          (PpJsonArena  *arena,
                                              gint64        value);
PpJsonValue  *pp_json_value_new_double       (PpJsonArena  *arena,
                                              double        value);
/* a copy of @str */
PpJsonValue  *pp_json_value_new_string       (PpJsonArena  *arena,
                                              const char   *str);
PpJsonValue  *pp_json_value_new_string_len   (PpJsonArena  *arena,
                                              const char   *str,
                                              gsize         len);
/* @str itself, which must live as long as @arena: a string of @arena
 * (interned or not) or a static one */
PpJsonValue  *pp_json_value_new_string_static (PpJsonArena *arena,
                                              const char   *str);
/* the interned copy of @str */
PpJsonValue  *pp_json_value_new_string_interned (PpJsonArena *arena,
                                              const char   *str);

/* an empty array or object with room for @reserve elements or members */
PpJsonValue  *pp_json_value_new_array        (PpJsonArena  *arena,
                                              guint         reserve);
PpJsonValue  *pp_json_value_new_object       (PpJsonArena  *arena,
                                              guint         reserve);

void          pp_json_array_append           (PpJsonArena  *arena,
                                              PpJsonValue  *array,
                                              PpJsonValue  *element);
/* appends @value, or the elements of @value if it is an array */
void          pp_json_array_append_flattened (PpJsonArena  *arena,
                                              PpJsonValue  *array,
                                              PpJsonValue  *value);

/* @key interned in @arena (or a keyword). Replaces the value of an existing
 * member in its place, else appends a member. */
void          pp_json_object_set             (PpJsonArena  *arena,
                                              PpJsonValue  *object,
                                              const char   *key,
                                              PpJsonValue  *value);
/* pp_json_object_set() for a key that is not there yet: no lookup */
void          pp_json_object_append          (PpJsonArena  *arena,
                                              PpJsonValue  *object,
                                              const char   *key,
                                              PpJsonValue  *value);
/* removes the member named @key, keeping the order of the others;
 * returns whether there was one */
gboolean      pp_json_object_remove          (PpJsonValue  *object,
                                              const char   *key);
/* Adds @value to the member @key as the JSON-LD algorithms do ("add value"):
 * with @as_array, or when the member is there already, the member becomes
 * an array that @value (or its elements, if an array) is appended to */
void          pp_json_object_add_value       (PpJsonArena  *arena,
                                              PpJsonValue  *object,
                                              const char   *key,
                                              PpJsonValue  *value,
                                              gboolean      as_array);

/* @value itself when it is an array, else a new array holding it */
PpJsonValue  *pp_json_value_as_array         (PpJsonArena  *arena,
                                              PpJsonValue  *value);

/* A deep copy of @value into @arena (keys re-interned there); strings and
 * arrays are copied too, so the copy does not depend on @value's arena */
PpJsonValue  *pp_json_value_copy             (PpJsonArena  *arena,
                                              const PpJsonValue *value);

/* }}} */

/* {{{ reading values; all accept NULL and answer FALSE / NULL / 0 for it */

static inline PpJsonType
pp_json_value_get_type (const PpJsonValue *value)
{
  return value != NULL ? value->type : PP_JSON_TYPE_NULL;
}

static inline gboolean
pp_json_value_is_null (const PpJsonValue *value)
{
  return value != NULL && value->type == PP_JSON_TYPE_NULL;
}

static inline gboolean
pp_json_value_is_boolean (const PpJsonValue *value)
{
  return value != NULL && value->type == PP_JSON_TYPE_BOOLEAN;
}

static inline gboolean
pp_json_value_is_number (const PpJsonValue *value)
{
  return value != NULL &&
         (value->type == PP_JSON_TYPE_INT || value->type == PP_JSON_TYPE_DOUBLE);
}

static inline gboolean
pp_json_value_is_string (const PpJsonValue *value)
{
  return value != NULL && value->type == PP_JSON_TYPE_STRING;
}

/* a string, number or boolean */
static inline gboolean
pp_json_value_is_scalar (const PpJsonValue *value)
{
  return value != NULL && value->type >= PP_JSON_TYPE_BOOLEAN &&
         value->type <= PP_JSON_TYPE_STRING;
}

static inline gboolean
pp_json_value_is_array (const PpJsonValue *value)
{
  return value != NULL && value->type == PP_JSON_TYPE_ARRAY;
}

static inline gboolean
pp_json_value_is_object (const PpJsonValue *value)
{
  return value != NULL && value->type == PP_JSON_TYPE_OBJECT;
}

static inline gboolean
pp_json_value_get_boolean (const PpJsonValue *value)
{
  return pp_json_value_is_boolean (value) && value->u.boolean;
}

/* the number as a double (integers converted) */
static inline double
pp_json_value_get_double (const PpJsonValue *value)
{
  if (value == NULL)
    return 0;
  if (value->type == PP_JSON_TYPE_INT)
    return (double) value->u.number.v.i;
  if (value->type == PP_JSON_TYPE_DOUBLE)
    return value->u.number.v.d;
  return 0;
}

static inline gint64
pp_json_value_get_int (const PpJsonValue *value)
{
  if (value == NULL)
    return 0;
  if (value->type == PP_JSON_TYPE_INT)
    return value->u.number.v.i;
  if (value->type == PP_JSON_TYPE_DOUBLE)
    return (gint64) value->u.number.v.d;
  return 0;
}

/* the text a parsed number was read from, NULL for a built one */
static inline const char *
pp_json_value_get_number_text (const PpJsonValue *value)
{
  return pp_json_value_is_number (value) ? value->u.number.text : NULL;
}

/* the string, or NULL when @value is not a string */
static inline const char *
pp_json_value_get_string (const PpJsonValue *value)
{
  return pp_json_value_is_string (value) ? value->u.string.str : NULL;
}

static inline gsize
pp_json_value_get_string_length (const PpJsonValue *value)
{
  return pp_json_value_is_string (value) ? value->u.string.len : 0;
}

/* elements of an array, members of an object, 0 for anything else */
static inline guint
pp_json_value_get_size (const PpJsonValue *value)
{
  return pp_json_value_is_array (value) || pp_json_value_is_object (value) ? value->n : 0;
}

static inline PpJsonValue *
pp_json_array_get (const PpJsonValue *array,
                   guint              i)
{
  g_assert (pp_json_value_is_array (array) && i < array->n);
  return array->u.items[i];
}

/* the elements of an array, pp_json_value_get_size() of them */
static inline PpJsonValue * const *
pp_json_array_get_elements (const PpJsonValue *array)
{
  return pp_json_value_is_array (array) ? array->u.items : NULL;
}

/* the members of an object in insertion order, pp_json_value_get_size()
 * of them */
static inline const PpJsonMember *
pp_json_object_get_members (const PpJsonValue *object)
{
  return pp_json_value_is_object (object) ? object->u.members : NULL;
}

/* The value of the member @key, interned in the object's arena (or a
 * keyword), or NULL when there is none */
static inline PpJsonValue *
pp_json_object_get (const PpJsonValue *object,
                    const char        *key)
{
  if (!pp_json_value_is_object (object))
    return NULL;
  for (guint i = 0; i < object->n; i++)
    if (object->u.members[i].key == key)
      return object->u.members[i].value;
  return NULL;
}

static inline gboolean
pp_json_object_has (const PpJsonValue *object,
                    const char        *key)
{
  return pp_json_object_get (object, key) != NULL;
}

/* pp_json_object_get() for a key that need not be interned (strcmp) */
PpJsonValue  *pp_json_object_lookup          (const PpJsonValue *object,
                                              const char        *key);
/* the string value of the member @key (interned), or NULL */
const char   *pp_json_object_get_string      (const PpJsonValue *object,
                                              const char        *key);

/* The keys of @object sorted by code point (bytewise), in a new array
 * (transfer container) */
GPtrArray    *pp_json_object_get_keys_sorted (const PpJsonValue *object);

/* A hash of the @len bytes at @str, quick for strings of any length */
guint         pp_json_string_hash            (const char        *str,
                                              gsize              len);

/* Deep equality (object members in any order, numbers by value as
 * json-glib compares them) and a hash consistent with it */
gboolean      pp_json_value_equal            (const PpJsonValue *a,
                                              const PpJsonValue *b);
guint         pp_json_value_hash             (const PpJsonValue *value);

/* }}} */

/* {{{ JSON-LD object predicates (the algorithms' definitions) */

gboolean      pp_json_value_is_value_object  (const PpJsonValue *value);
gboolean      pp_json_value_is_list_object   (const PpJsonValue *value);
gboolean      pp_json_value_is_graph_object  (const PpJsonValue *value);
gboolean      pp_json_value_is_simple_graph_object (const PpJsonValue *value);
gboolean      pp_json_value_is_node_object   (const PpJsonValue *value);
gboolean      pp_json_value_is_node_reference (const PpJsonValue *value);

/* }}} */

/* {{{ bytes and JsonNode */

/* Parses @data (@length bytes, or -1 when NUL-terminated) into @arena, with
 * the checks and error messages (%PP_JSON_ERROR) of pp_json_validate(). */
PpJsonValue  *pp_json_value_parse            (PpJsonArena  *arena,
                                              const char   *data,
                                              gssize        length,
                                              GError      **error);
/* The same, refusing an escaped NUL in a string value too: the values of
 * a text that pp_json_validate() passes, in one pass */
PpJsonValue  *pp_json_value_parse_validated  (PpJsonArena  *arena,
                                              const char   *data,
                                              gssize        length,
                                              GError      **error);

typedef enum {
  PP_JSON_WRITE_NONE   = 0,
  PP_JSON_WRITE_PRETTY = 1 << 0,  /* indented, two spaces a level */
  PP_JSON_WRITE_SORTED = 1 << 1,  /* members sorted by key (canonical) */
} PpJsonWriteFlags;

/* Appends @value as pp_jsonld_to_json() writes it: members in order (or
 * sorted), numbers as ECMAScript prints them, no final newline */
void          pp_json_value_write            (GString           *out,
                                              const PpJsonValue *value,
                                              PpJsonWriteFlags   flags);
GBytes       *pp_json_value_to_bytes         (const PpJsonValue *value,
                                              PpJsonWriteFlags   flags);
/* Writes @value as pp_json_value_write() does to @stream, a chunk of
 * about 64 KiB at a time, so that the whole text is never in memory; FALSE
 * with @error set (from the stream) when writing fails.  Nothing is
 * written after a failure. */
gboolean      pp_json_value_write_to_stream  (const PpJsonValue *value,
                                              PpJsonWriteFlags   flags,
                                              GOutputStream     *stream,
                                              GCancellable      *cancellable,
                                              GError           **error);

/* A new json-glib tree of @value (transfer full), for values that hold no
 * string with NUL (json-glib would cut it there): trees the library built
 * from trees */
JsonNode     *pp_json_value_to_json_node     (const PpJsonValue *value);
/* pp_json_value_to_json_node() for values that may hold a string with NUL
 * (read from bytes): NULL with %PP_JSON_ERROR_UNSUPPORTED_VALUE, naming the
 * string by its JSON Pointer (RFC 6901), rather than a tree cut short */
JsonNode     *pp_json_value_to_json_node_checked (const PpJsonValue *value,
                                              GError           **error);
/* @node as values in @arena, checked as pp_jsonld_node_validate_utf8()
 * checks it: every string and member name valid UTF-8, every number finite,
 * no deeper than @max_depth; NULL with %PP_JSONLD_ERROR_INVALID_INPUT (the
 * same messages) otherwise. Recurses no deeper than @max_depth. */
PpJsonValue  *pp_json_value_from_json_node   (PpJsonArena  *arena,
                                              JsonNode     *node,
                                              guint         max_depth,
                                              GError      **error);
/* @node as values in @arena without any check: for trees the library built
 * (a number that is not finite stays one, and is written as null) */
PpJsonValue  *pp_json_value_from_json_node_unchecked (PpJsonArena *arena,
                                              JsonNode     *node);

/* }}} */

G_END_DECLS
