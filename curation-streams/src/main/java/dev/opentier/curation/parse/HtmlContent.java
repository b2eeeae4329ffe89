package dev.opentier.curation.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Main-content extraction for web pages: what a reader of the page came for, without the site
 * around it. Generic, with no rules for particular sites or generators:
 *
 * <ol>
 *   <li>never content: scripts, styles, forms, hidden elements, and permalink signs (a link to an
 *       anchor on the same page whose text is a lone symbol such as "¶", "#" or "§");
 *   <li>the main container, when the page marks one: {@code role="main"}, {@code <main>}, or a
 *       single {@code <article>}; else the whole body;
 *   <li>inside it, site chrome by what it is: navigation, banners, sidebars and footers by their
 *       HTML5 elements and ARIA roles, and blocks whose class or id names them (nav, menu, sidebar,
 *       breadcrumb, toc, footer, header, cookie, pagination … as Readability lists them);
 *   <li>then by what it looks like: a block that is mostly links (a table of contents, "Previous /
 *       Next", a related-pages list) and has few words of its own.
 * </ol>
 *
 * A page that is nothing but links (an index, a table of contents) would be left empty by the last
 * two steps; it keeps its links instead, so that it is indexed for what it lists. The blocks are
 * emitted as {@link TextBuilder} blocks: headings with their level, code verbatim, table rows as
 * cells separated by " | ", list items and paragraphs each a block.
 */
final class HtmlContent {
  private static final Pattern CHROME_NAME = Pattern.compile(
      "(^|[-_ ])(nav|navbar|navigation|navheader|navfooter|menu|menubar|sidebar|sphinxsidebar|side-bar|breadcrumbs?|toc|"
          + "tocs|table-of-contents|footer|header|masthead|banner|cookies?|consent|gdpr|pagination|pager|related|relbar|"
          + "social|share|sharing|skip|skiplink|skip-link|subnav|topbar|top-bar|bottombar|edit-page|editpage|feedback|"
          + "prev-next|prevnext|sidebar-wrapper|site-header|site-footer|legal|copyright|advert|ads|sponsor|popup|modal)"
          + "($|[-_ 0-9])",
      Pattern.CASE_INSENSITIVE);
  /** A class or id that says "this is the content" keeps its element even when it also says e.g. "header". */
  private static final Pattern CONTENT_NAME = Pattern.compile("(^|[-_ ])(content|main|article|body|document|post|entry)($|[-_ ])",
      Pattern.CASE_INSENSITIVE);
  private static final Set<String> CHROME_ROLES = Set.of("navigation", "banner", "contentinfo", "complementary", "search", "menubar", "menu");
  private static final Set<String> BLOCKS = Set.of(
      "p", "li", "blockquote", "dd", "dt", "div", "section", "article", "main", "aside", "header", "footer", "nav", "table",
      "ul", "ol", "dl", "caption", "figcaption", "figure", "address", "details", "summary", "hr", "br", "form", "fieldset", "tbody",
      "thead", "tfoot", "center");
  /** Blocks tested for link density: what a table of contents or a "Previous / Next" bar is made of. */
  private static final String LINK_LIST_CANDIDATES = "ul, ol, dl, table, div, p, section, td, span.linkcontainer";
  private static final double MAX_LINK_DENSITY = 0.6;
  private static final int MIN_OWN_WORDS = 12;
  /** Below this many words, a page whose chrome removal left nothing keeps more of itself. */
  private static final int MIN_CONTENT_WORDS = 8;
  private static final Pattern TITLE_SEPARATOR = Pattern.compile("\\s+(?:[—–|·»]|-{1,2}|::)\\s+");
  /** "ArrayUtils (Commons Lang 3.12 API)": a site's name in brackets after the page's. */
  private static final Pattern TITLE_SITE_SUFFIX = Pattern.compile("\\s+[(\\[][^()\\[\\]]*\\b(?i:api|documentation|docs|manual|reference|guide|handbook)\\b[^()\\[\\]]*[)\\]]\\s*$");

  private HtmlContent() {}

  /** The page's main content as blocks, its clean title, and what extraction removed. */
  record Result(String title, String text, List<ParsedDocument.Block> blocks, boolean truncated, ParsedDocument.Extraction extraction) {}

  static Result extract(Document page, int maxChars) {
    Element body = page.body();
    String htmlTitle = page.title();
    page.select("script, style, noscript, template, svg, canvas, iframe, object, embed, link, meta, button, input, select, textarea, "
        + "[hidden], [aria-hidden=true]").remove();
    page.select("[style]").stream().filter(e -> e.attr("style").replace(" ", "").toLowerCase(Locale.ROOT).contains("display:none"))
        .toList().forEach(Element::remove);
    removePermalinks(body);
    int pageChars = body.text().length();

    Element main = mainContainer(body);
    String where = main == body ? "body" : describe(main);
    int outside = 0;
    if (main != body) {
      for (Element e : body.getAllElements()) if (e.hasText() && !e.ownText().isBlank() && !inTree(e, main)) outside++;
    }
    Element pruned = main.clone();
    int removed = removeChrome(pruned);
    removed += removeLinkLists(pruned);
    if (words(pruned.text()) < MIN_CONTENT_WORDS) {
      // Only chrome and links: an index or a table of contents page. Keep its own lists.
      pruned = main.clone();
      removed = removeChrome(pruned);
      where += " (links kept)";
      if (words(pruned.text()) < MIN_CONTENT_WORDS && main != body) {
        pruned = body.clone();
        removed = removeChrome(pruned);
        where = "body (links kept)";
      }
    }

    TextBuilder builder = new TextBuilder(maxChars);
    Emitter emitter = new Emitter(builder);
    NodeTraversor.traverse(emitter, pruned);
    builder.endBlock();
    String title = cleanTitle(htmlTitle);
    if (title == null) title = emitter.firstH1 != null ? emitter.firstH1 : emitter.firstHeading;
    String text = builder.text();
    return new Result(title, text, builder.blocks(), builder.truncated(),
        new ParsedDocument.Extraction(pageChars, text.length(), outside + removed, where));
  }

  private static void removePermalinks(Element body) {
    for (Element link : body.select("a[href^=#]")) {
      String own = link.text().strip();
      boolean symbol = !own.isEmpty() && own.length() <= 2 && own.codePoints().noneMatch(Character::isLetterOrDigit);
      if (symbol || (own.isEmpty() && link.select("img").isEmpty() && link.childrenSize() <= 1
          && link.className().toLowerCase(Locale.ROOT).matches(".*(anchor|permalink|headerlink|hash-link|heading-link).*"))) {
        link.remove();
      }
    }
  }

  /** The element the page marks as its main content, else the body. */
  private static Element mainContainer(Element body) {
    for (String query : List.of("[role=main]", "main")) {
      Elements marked = body.select(query);
      if (marked.size() == 1 && words(marked.first().text()) >= MIN_CONTENT_WORDS) return marked.first();
      if (marked.size() > 1) {
        Element largest = largest(marked);
        if (words(largest.text()) >= MIN_CONTENT_WORDS) return largest;
      }
    }
    Elements articles = body.select("article");
    articles.removeIf(a -> a.parents().stream().anyMatch(p -> p.tagName().equals("article")));
    if (articles.size() == 1 && words(articles.first().text()) >= MIN_CONTENT_WORDS) return articles.first();
    return body;
  }

  private static Element largest(Elements elements) {
    Element best = elements.first();
    for (Element e : elements) if (e.text().length() > best.text().length()) best = e;
    return best;
  }

  /** Removes navigation, banners, sidebars and footers by element, role, class and id; returns how many. */
  private static int removeChrome(Element root) {
    List<Element> chrome = new ArrayList<>();
    for (Element e : root.getAllElements()) {
      if (e == root) continue;
      if (isChrome(e)) chrome.add(e);
    }
    int removed = 0;
    for (Element e : chrome) {
      if (e.parent() == null || !inTree(e, root)) continue; // inside chrome removed already
      e.remove();
      removed++;
    }
    return removed;
  }

  private static boolean isChrome(Element e) {
    String tag = e.tagName();
    if (tag.equals("nav") || tag.equals("aside")) return true;
    String role = e.attr("role").toLowerCase(Locale.ROOT);
    if (CHROME_ROLES.contains(role)) return true;
    if ((tag.equals("header") || tag.equals("footer")) && e.parents().stream().noneMatch(p -> p.tagName().equals("article"))) return true;
    if (tag.equals("body") || tag.equals("html") || tag.equals("main") || tag.equals("article") || tag.startsWith("h") && tag.length() == 2) return false;
    // camelCase names as words: "topNav" is "top-nav"
    String names = (e.className() + " " + e.id()).strip().replaceAll("([a-z])([A-Z])", "$1-$2");
    if (names.isEmpty() || !CHROME_NAME.matcher(names).find()) return false;
    if (!e.select("h1, h2").isEmpty()) return false; // it holds the page's own headings: content
    return !CONTENT_NAME.matcher(names).find() || e.text().length() < 200;
  }

  private static boolean inTree(Element e, Element root) {
    for (Element p = e; p != null; p = p.parent()) if (p == root) return true;
    return false;
  }

  /** Removes blocks that are mostly links with few words of their own (tables of contents, "Next / Previous"). */
  private static int removeLinkLists(Element root) {
    int removed = 0;
    for (Element e : root.select(LINK_LIST_CANDIDATES)) {
      if (e == root || e.parent() == null || !inTree(e, root)) continue;
      String all = e.text();
      if (all.isBlank()) continue;
      int linkChars = 0;
      for (Element a : e.select("a[href]")) linkChars += a.text().length();
      if (linkChars == 0) continue;
      double density = (double) linkChars / all.length();
      int ownWords = words(all) - e.select("a[href]").stream().mapToInt(a -> words(a.text())).sum();
      if (density >= MAX_LINK_DENSITY && ownWords < MIN_OWN_WORDS + e.select("a[href]").size() / 2 && !e.select("h1, h2").hasText()) {
        e.remove();
        removed++;
      }
    }
    return removed;
  }

  private static String describe(Element e) {
    String role = e.attr("role");
    return e.tagName() + (role.isEmpty() ? "" : "[role=" + role + "]") + (e.id().isEmpty() ? "" : "#" + e.id());
  }

  /**
   * The page's own title: its HTML title without the site's name, which comes last ("Page — Site",
   * "json — JSON encoder and decoder — Project 3.11 documentation" → "json — JSON encoder and
   * decoder") or in brackets ("ArrayUtils (Commons Lang 3.12 API)"); null when the page has none
   * (then its first h1, its first heading, or the file name).
   */
  static String cleanTitle(String htmlTitle) {
    if (htmlTitle == null || htmlTitle.isBlank()) return null;
    String title = TITLE_SITE_SUFFIX.matcher(htmlTitle.strip()).replaceFirst("");
    Matcher separator = TITLE_SEPARATOR.matcher(title);
    int lastSeparator = -1;
    while (separator.find()) lastSeparator = separator.start();
    String page = lastSeparator > 0 ? title.substring(0, lastSeparator).strip() : title;
    return page.isBlank() ? title : page;
  }

  private static int words(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean letter = Character.isLetterOrDigit(text.charAt(i));
      if (letter && !inWord) count++;
      inWord = letter;
    }
    return count;
  }

  /** Walks the main content into blocks. */
  private static final class Emitter implements NodeVisitor {
    private final TextBuilder builder;
    private int verbatimDepth;
    private Element headingElement;
    private String firstH1;
    private String firstHeading;

    Emitter(TextBuilder builder) {
      this.builder = builder;
    }

    @Override
    public void head(Node node, int depth) {
      if (node instanceof TextNode text) {
        builder.append(text.getWholeText());
        return;
      }
      if (!(node instanceof Element e)) return;
      String tag = e.tagName();
      if (verbatimDepth > 0) {
        if (tag.equals("br")) builder.append("\n");
        return;
      }
      if (tag.equals("pre")) {
        builder.startVerbatimBlock();
        verbatimDepth++;
      } else if (isHeading(tag)) {
        builder.startBlock(tag.charAt(1) - '0');
        headingElement = e;
        String heading = e.text().strip();
        if (!heading.isEmpty()) {
          if (firstHeading == null) firstHeading = heading;
          if (firstH1 == null && tag.equals("h1")) firstH1 = heading;
        }
      } else if (tag.equals("tr")) {
        builder.startBlock(0);
      } else if (tag.equals("td") || tag.equals("th")) {
        if (e.elementSiblingIndex() > 0) builder.append(" | ");
      } else if (BLOCKS.contains(tag)) {
        builder.startBlock(0);
      } else {
        builder.append(" ".repeat(isInlineSpaced(tag) ? 1 : 0));
      }
    }

    @Override
    public void tail(Node node, int depth) {
      if (!(node instanceof Element e)) return;
      String tag = e.tagName();
      if (tag.equals("pre") && verbatimDepth > 0) {
        if (--verbatimDepth == 0) builder.endBlock();
        return;
      }
      if (verbatimDepth > 0) return;
      if (e == headingElement) {
        headingElement = null;
        builder.endBlock();
      } else if (tag.equals("tr") || BLOCKS.contains(tag)) {
        builder.endBlock();
      } else if (isInlineSpaced(tag)) {
        builder.append(" ");
      }
    }

    private static boolean isHeading(String tag) {
      return tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6';
    }

    /** Inline elements a browser shows apart from their neighbours (a cell, an image's text). */
    private static boolean isInlineSpaced(String tag) {
      return tag.equals("td") || tag.equals("th") || tag.equals("img") || tag.equals("label");
    }
  }
}
