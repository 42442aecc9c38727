// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The repository these tests check: its root, files and poms. */
final class Repo {
  /** The repository's root, from the build ({@code repo.root}). */
  static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath()
      .normalize();

  private Repo() {}

  static String read(String file) {
    try {
      return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Document pom(Path pom) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(false);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(pom.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot parse " + pom, e);
    }
  }

  /** The text of the direct child {@code name} of {@code parent}, {@code ""} when none. */
  static String child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return "";
  }

  /** The root pom's {@code <module>} names, in order. */
  static List<String> modules() {
    NodeList list = pom(ROOT.resolve("pom.xml")).getElementsByTagName("module");
    List<String> modules = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      modules.add(list.item(i).getTextContent().trim());
    }
    return modules;
  }

  /** Modules that are not published: never installed nor deployed. */
  static boolean published(String module) {
    Element project = pom(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
    Element properties = (Element) project.getElementsByTagName("properties").item(0);
    return properties == null || !child(properties, "maven.deploy.skip").equals("true");
  }
}
