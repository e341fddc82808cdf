/* test-reader-html.c: the reader-html plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

static PpDocument *
read_html (const char  *html,
           gssize       length,
           const char  *uri,
           GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (html, length < 0 ? strlen (html) : (gsize) length);
  g_autoptr(PpReader) reader = NULL;

  reader = pp_reader_new_for_content_type ("text/html", NULL, error);
  if (reader == NULL)
    return NULL;

  return pp_reader_read_bytes (reader, bytes, "page.html", "text/html", uri, NULL, error);
}

static PpDocument *
read_html_ok (const char *html)
{
  g_autoptr(GError) error = NULL;
  PpDocument *document = read_html (html, -1, "file:///srv/site/page.html", &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);

  return document;
}

/* The text of the block that holds @needle, and that block */
static PpDocumentBlock *
find_block (PpDocument *document,
            const char *needle)
{
  GPtrArray *blocks = pp_document_get_blocks (document);
  const char *text = pp_document_get_text (document);

  g_assert_nonnull (blocks);
  for (guint i = 0; i < blocks->len; i++)
    {
      PpDocumentBlock *block = blocks->pdata[i];
      g_autofree char *block_text = g_strndup (text + pp_document_block_get_start (block),
                                               pp_document_block_get_end (block) -
                                               pp_document_block_get_start (block));

      if (strstr (block_text, needle) != NULL)
        return block;
    }

  g_error ("no block holds ‘%s’ in: %s", needle, text);
}

static void
assert_path (PpDocument *document,
             const char *needle,
             ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  const char * const *path = pp_document_block_get_section_path (find_block (document, needle));
  const char *title;
  va_list args;

  va_start (args, needle);
  while ((title = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, title);
  va_end (args);
  expected = g_strv_builder_end (builder);

  if (!g_strv_equal (path, (const char * const *) expected))
    {
      g_autofree char *got = g_strjoinv (" / ", (char **) path);
      g_autofree char *want = g_strjoinv (" / ", expected);

      g_error ("‘%s’ is in ‘%s’, not ‘%s’", needle, got, want);
    }
}

static void
test_headings_nested (void)
{
  g_autoptr(PpDocument) document = read_html_ok (
    "<!DOCTYPE html><html><body>"
    "<p>Before any heading.</p>"
    "<h1>Computing</h1><p>Machines that compute.</p>"
    "<h2>Engines</h2><p>The <b>Analytical</b> Engine.</p>"
    "<h3>Programs</h3><ul><li>The first program.</li><li>Bernoulli numbers.</li></ul>"
    "<h2>Theory</h2><div>Universal <i>machines</i>.</div>"
    "<h1>People</h1><table><tr><td>Ada Lovelace</td><td>Alan Turing</td></tr></table>"
    "</body></html>");

  assert_path (document, "Before any", NULL);
  assert_path (document, "Machines that", "Computing", NULL);
  assert_path (document, "Analytical Engine", "Computing", "Engines", NULL);
  assert_path (document, "first program", "Computing", "Engines", "Programs", NULL);
  assert_path (document, "Bernoulli", "Computing", "Engines", "Programs", NULL);
  assert_path (document, "Universal machines.", "Computing", "Theory", NULL);
  assert_path (document, "Ada Lovelace", "People", NULL);
  /* A heading is a block in the section it opens */
  assert_path (document, "Engines", "Computing", "Engines", NULL);

  /* Block elements are blocks of their own; inline ones are not */
  g_assert_true (find_block (document, "first program") != find_block (document, "Bernoulli"));
  g_assert_true (find_block (document, "Ada Lovelace") != find_block (document, "Alan Turing"));
  g_assert_nonnull (strstr (pp_document_get_text (document), "The Analytical Engine."));
}

static void
test_invisible_skipped (void)
{
  g_autoptr(PpDocument) document = read_html_ok (
    "<html><head><style>p { color: red }</style><script>var secret = 1;</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
    "<script type='application/json'>{\"tracking\": true}</script>"
    "<noscript>Enable scripts</noscript><template><p>Template text</p></template>"
    "<p>Visible one.</p>"
    "<p hidden>Hidden attribute.</p>"
    "<div aria-hidden=\"true\"><p>Hidden from readers.</p></div>"
    "<p style=\"color: grey; DISPLAY : none\">Not displayed.</p>"
    "<p style=\"display: block\">Visible two.</p>"
    "<p>Tail <span style='display:none'>inline hidden</span>kept.</p>"
    "</body></html>");
  const char *text = pp_document_get_text (document);

  g_assert_nonnull (strstr (text, "Visible one."));
  g_assert_nonnull (strstr (text, "Visible two."));
  g_assert_nonnull (strstr (text, "Tail kept."));
  for (guint i = 0; i < 9; i++)
    {
      const char *hidden[] = { "secret", "color: red", "Home", "tracking", "Enable scripts",
                               "Template text", "Hidden attribute", "Hidden from readers", "Not displayed" };

      if (strstr (text, hidden[i]) != NULL)
        g_error ("‘%s’ is in the text: %s", hidden[i], text);
    }
  g_assert_null (strstr (text, "inline hidden"));
}

static void
test_encoding_latin1 (void)
{
  /* "Café Müller à Genève" in ISO-8859-1 */
  const char page[] =
    "<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head>"
    "<body><p>Caf\xe9 M\xfcller \xe0 Gen\xe8ve</p></body></html>";
  const char http_equiv[] =
    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head>"
    "<body><p>Z\xfcrich</p></body></html>";
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(PpDocument) other = NULL;

  document = read_html (page, sizeof page - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (pp_document_get_text (document), "Café Müller à Genève"));
  g_assert_cmpstr (pp_document_get_name (document), ==, "Café");

  other = read_html (http_equiv, sizeof http_equiv - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (pp_document_get_text (other), "Zürich"));
}

static void
test_head_title_and_canonical (void)
{
  g_autoptr(PpDocument) canonical = read_html_ok (
    "<html><head><title>  The   Engines\n</title>"
    "<link rel=\"canonical\" href=\"/history/engines\"></head>"
    "<body><p>Text.</p></body></html>");
  g_autoptr(PpDocument) absolute = read_html_ok (
    "<html><head><link rel=\"canonical\" href=\"https://example.org/engines\"></head>"
    "<body><p>Text.</p></body></html>");
  g_autoptr(PpDocument) plain = read_html_ok ("<html><body><p>Text.</p></body></html>");

  g_assert_cmpstr (pp_document_get_name (canonical), ==, "The Engines");
  g_assert_cmpstr (pp_document_get_base_iri (canonical), ==, "file:///history/engines");
  g_assert_cmpstr (pp_document_get_base_iri (absolute), ==, "https://example.org/engines");

  /* No title, no canonical link: the file's name and URI */
  g_assert_cmpstr (pp_document_get_name (plain), ==, "page.html");
  g_assert_cmpstr (pp_document_get_base_iri (plain), ==, "file:///srv/site/page.html");
}

static void
test_errors_no_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = read_html ("<html><head><title>Empty</title></head>"
                                               "<body><script>x()</script></body></html>",
                                               -1, NULL, &error);

  g_assert_null (document);
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reader-html/headings/nested", test_headings_nested);
  g_test_add_func ("/reader-html/text/invisible-skipped", test_invisible_skipped);
  g_test_add_func ("/reader-html/encoding/latin1", test_encoding_latin1);
  g_test_add_func ("/reader-html/head/title-and-canonical", test_head_title_and_canonical);
  g_test_add_func ("/reader-html/errors/no-text", test_errors_no_text);

  return g_test_run ();
}
