package dev.opentier.curation.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Main-content extraction on pages shaped as the well-known documentation generators and article
 * sites make them (the real sets are measured by {@code bench docs}): the content stays, headings
 * become blocks, code stays verbatim, and the site around it goes, with no rule for any site.
 */
class HtmlContentTest {
  private static final DocumentParser parser = new DocumentParser(new DocumentParser.Limits(10_000_000, 1_000_000, Duration.ofSeconds(10)));
  private static final String PROSE = "The encoder turns Python objects into JSON text and the decoder reads JSON text back into objects, "
      + "keeping the order of keys and raising a clear error when the input is not valid.";

  @AfterAll
  static void close() {
    parser.close();
  }

  @Test
  void sphinxPageKeepsTheBodyAndDropsSidebarRelbarAndPermalinks() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>json — JSON encoder and decoder &#8212; Project 3.11 documentation</title></head><body>
        <div class="related" role="navigation"><h3>Navigation</h3><ul><li><a href="genindex.html">index</a></li>
          <li><a href="modules.html">modules</a> |</li><li><a href="next.html">next</a> |</li><li>Project &raquo;</li></ul></div>
        <div class="document"><div class="documentwrapper"><div class="bodywrapper"><div class="body" role="main">
          <section id="json"><h1>json — JSON encoder and decoder<a class="headerlink" href="#json" title="Link">¶</a></h1>
          <p>%s</p>
          <div class="highlight-python3"><div class="highlight"><pre>import json
        json.dumps({"a": 1},
                   indent=2)</pre></div></div>
          <section id="basic"><h2>Basic Usage<a class="headerlink" href="#basic">¶</a></h2><p>%s</p></section></section>
        </div></div></div>
        <div class="sphinxsidebar" role="navigation"><h3><a href="index.html">Table of Contents</a></h3>
          <ul><li><a href="#">json</a><ul><li><a href="#basic">Basic Usage</a></li></ul></li></ul>
          <h4>Previous topic</h4><p><a href="prev.html">email</a></p><h4>Next topic</h4><p><a href="next.html">mailbox</a></p>
          <div role="note"><h3>This Page</h3><ul><li><a href="bugs.html">Report a Bug</a></li><li><a href="src.txt">Show Source</a></li></ul></div>
        </div></div>
        <div class="footer">&copy; Copyright 2001-2023, Project Foundation. Last updated on Jun 06, 2023.</div>
        </body></html>""".formatted(PROSE, PROSE));

    assertThat(page.title()).isEqualTo("json — JSON encoder and decoder");
    assertThat(page.text()).contains("The encoder turns Python objects", "Basic Usage")
        .doesNotContain("¶", "Table of Contents", "Previous topic", "Next topic", "Report a Bug", "Show Source", "Copyright", "modules");
    assertThat(headings(page)).containsExactly("json — JSON encoder and decoder", "Basic Usage");
    assertThat(page.text()).contains("import json\njson.dumps({\"a\": 1},\n           indent=2)");
    assertThat(page.blocks()).anyMatch(ParsedDocument.Block::verbatim);
    assertThat(page.extraction().removedBlocks()).isPositive();
    assertThat(page.extraction().keptChars()).isLessThan(page.extraction().pageChars());
  }

  @Test
  void docBookPageDropsNavHeaderNavFooterAndItsOwnTableOfContents() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>5. Data Definition</title></head><body>
        <div class="navheader"><table width="100%%"><tr><th colspan="3">5. Data Definition</th></tr>
          <tr><td><a accesskey="p" href="ch4.html">Prev</a></td><th>Part II. The SQL Language</th><td><a accesskey="n" href="ch5-1.html">Next</a></td></tr></table><hr></div>
        <div class="chapter"><div class="titlepage"><div><div><h2 class="title"><a name="ddl"></a>Chapter 5. Data Definition</h2></div></div></div>
          <div class="toc"><p><b>Table of Contents</b></p><dl class="toc"><dt><span class="sect1"><a href="ch5-1.html">5.1. Table Basics</a></span></dt>
            <dt><span class="sect1"><a href="ch5-2.html">5.2. Default Values</a></span></dt><dt><span class="sect1"><a href="ch5-3.html">5.3. Generated Columns</a></span></dt></dl></div>
          <p>%s</p></div>
        <div class="navfooter"><hr><table width="100%%"><tr><td><a href="ch4.html">Prev</a></td><td><a href="index.html">Up</a></td><td><a href="ch5-1.html">Next</a></td></tr>
          <tr><td>4.3. Functions</td><td><a href="index.html">Home</a></td><td>5.1. Table Basics</td></tr></table></div>
        </body></html>""".formatted(PROSE));

    assertThat(page.title()).isEqualTo("5. Data Definition");
    assertThat(headings(page)).containsExactly("Chapter 5. Data Definition");
    assertThat(page.text()).contains("The encoder turns").doesNotContain("Prev", "Next", "Table of Contents", "5.2. Default Values", "Home");
  }

  @Test
  void javadocPageKeepsTheClassDescriptionAndDropsTheNavigationBars() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>ArrayUtils (Commons Lang 3.12 API)</title></head><body>
        <div class="topNav"><a name="navbar.top"></a><ul class="navList" title="Navigation"><li><a href="../overview-summary.html">Overview</a></li>
          <li><a href="package-summary.html">Package</a></li><li class="navBarCell1Rev">Class</li><li><a href="package-tree.html">Tree</a></li>
          <li><a href="../deprecated-list.html">Deprecated</a></li><li><a href="../index-all.html">Index</a></li><li><a href="../help-doc.html">Help</a></li></ul></div>
        <div class="subNav"><ul class="navList"><li><a href="ArrayFill.html">Prev Class</a></li><li><a href="BitField.html">Next Class</a></li></ul>
          <ul class="navList"><li><a href="../index.html?ArrayUtils.html" target="_top">Frames</a></li><li><a href="ArrayUtils.html" target="_top">No Frames</a></li></ul></div>
        <div class="header"><div class="subTitle">org.apache.commons.lang3</div><h2 title="Class ArrayUtils" class="title">Class ArrayUtils</h2></div>
        <div class="contentContainer"><div class="description"><ul class="blockList"><li class="blockList">
          <div class="block"><p>%s</p></div></li></ul></div>
          <div class="details"><h3>Method Detail</h3><a name="add-boolean:A-boolean-"></a><h4>add</h4>
          <pre>public static&nbsp;boolean[]&nbsp;add(boolean[]&nbsp;array,
                                boolean&nbsp;element)</pre><div class="block"><p>Copies the given array and adds the given element at the end of the new array.</p></div></div></div>
        <div class="bottomNav"><ul class="navList"><li><a href="../overview-summary.html">Overview</a></li><li><a href="package-summary.html">Package</a></li></ul></div>
        <p class="legalCopy"><small>Copyright &#169; 2001&#x2013;2021 <a href="https://www.apache.org/">The Apache Software Foundation</a>. All rights reserved.</small></p>
        </body></html>""".formatted(PROSE));

    assertThat(page.title()).isEqualTo("ArrayUtils");
    assertThat(headings(page)).contains("Class ArrayUtils", "Method Detail", "add");
    assertThat(page.text()).contains("The encoder turns", "Copies the given array", "add(boolean[] array,\n")
        .doesNotContain("Overview", "Prev Class", "No Frames", "Deprecated", "All rights reserved");
  }

  @Test
  void mainElementPagesDropTheirNavigationAsideAndFooter() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>Installation | MyTool Docs</title></head><body>
        <header class="site-header"><a href="/">MyTool</a><nav><a href="/docs">Docs</a><a href="/blog">Blog</a></nav></header>
        <div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Privacy policy</a> <span>Accept all</span></div>
        <div class="wrapper"><nav class="sidebar"><ul><li><a href="/a">Getting started</a></li><li><a href="/b">Configuration</a></li></ul></nav>
        <main><article><nav class="breadcrumbs"><a href="/">Home</a> › <a href="/docs">Docs</a></nav>
          <h1>Installation<a class="hash-link" href="#installation" aria-label="Direct link">#</a></h1><p>%s</p>
          <h2 id="linux">On Linux<a href="#linux">🔗</a></h2><p>%s</p>
          <nav class="pagination-nav"><a href="/prev">« Previous Introduction</a><a href="/next">Next Configuration »</a></nav></article>
          <aside class="table-of-contents"><ul><li><a href="#linux">On Linux</a></li></ul></aside></main></div>
        <footer class="footer">Copyright © 2024 MyTool. Built with a site generator.</footer>
        </body></html>""".formatted(PROSE, PROSE));

    assertThat(page.title()).isEqualTo("Installation");
    assertThat(headings(page)).containsExactly("Installation", "On Linux");
    assertThat(page.text()).contains("The encoder turns")
        .doesNotContain("cookies", "Getting started", "Home", "Previous Introduction", "Blog", "Copyright", "🔗", "#");
    assertThat(page.extraction().main()).startsWith("main");
  }

  @Test
  void anArticleWithoutMarkupHintsLosesItsLinkListsButKeepsItsProse() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>Why lighthouses blink - The Coastal Gazette</title></head><body>
        <div id="top"><a href="/">Gazette</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></div>
        <div><h1>Why lighthouses blink</h1><p>%s</p><p>%s</p></div>
        <div><ul><li><a href="/1">Ten harbours to visit this summer</a></li><li><a href="/2">The last keeper of North Point</a></li>
          <li><a href="/3">Storm season starts early</a></li></ul></div>
        </body></html>""".formatted(PROSE, PROSE));

    assertThat(page.title()).isEqualTo("Why lighthouses blink");
    assertThat(page.text()).contains("The encoder turns").doesNotContain("Weather", "Ten harbours", "North Point");
  }

  @Test
  void aPageThatIsOnlyATableOfContentsKeepsItsLinksInsteadOfBecomingEmpty() throws Exception {
    ParsedDocument page = parse("""
        <html><head><title>Manual — Contents</title></head><body><h1>Manual</h1>
        <ul><li><a href="intro.html">Introduction to the manual</a></li><li><a href="install.html">Installing the program</a></li>
          <li><a href="usage.html">Using the program every day</a></li></ul></body></html>""");

    assertThat(page.text()).contains("Introduction to the manual", "Installing the program");
    assertThat(page.extraction().main()).contains("links kept");
  }

  @Test
  void aFramesetPageIsRefusedWithItsReason() {
    assertThatThrownBy(() -> parse("<html><head><title>API</title></head><frameset cols=\"20%,80%\"><frame src=\"a.html\">"
        + "<noframes>This document is designed to be viewed using the frames feature.</noframes></frameset></html>"))
        .isInstanceOf(ParseException.class).hasMessageContaining("frameset");
  }

  @Test
  void aPageThatOnlyRedirectsIsRefusedWithItsReason() {
    assertThatThrownBy(() -> parse("<html><head><title>API</title><meta http-equiv=\"Refresh\" content=\"0;index.html\"></head>"
        + "<body><main role=\"main\"><p><a href=\"index.html\">index.html</a></p></main></body></html>"))
        .isInstanceOf(ParseException.class).hasMessage("the page only redirects (0;index.html); it has no text of its own");
  }

  private static ParsedDocument parse(String html) throws ParseException {
    return parser.parse(html.getBytes(StandardCharsets.UTF_8), "file:///docs/page.html", null, null);
  }

  private static java.util.List<String> headings(ParsedDocument page) {
    return page.blocks().stream().filter(ParsedDocument.Block::isHeading).map(b -> page.text().substring(b.start(), b.end())).toList();
  }
}
