// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What a user relies on around the code: the licence line, the versions, the BOM, the README. */
class RepositoryTest {
  static final String SPDX = "// SPDX-License-Identifier: Apache-2.0";
  static final String VERSION = System.getProperty("project.version");

  /** Java sources of every module that do not start with the licence line. */
  static List<Path> withoutLicenceLine(Path root) throws IOException {
    List<Path> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !root.relativize(p).toString().contains("/target/"))
          .filter(p -> !root.relativize(p).startsWith(".git"))
          .sorted().toList()) {
        String first;
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
          first = lines.findFirst().orElse("");
        }
        if (!first.equals(SPDX)) {
          missing.add(root.relativize(f));
        }
      }
    }
    return missing;
  }

  @Test
  void everyJavaSourceStartsWithTheLicenceLine() throws IOException {
    List<Path> missing = withoutLicenceLine(Repo.ROOT);
    assertEquals(List.of(), missing, "add '" + SPDX + "' as the first line of each");
  }

  @Test
  void theLicenceCheckFindsAFileWithoutTheLine(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("m/src"));
    Files.writeString(dir.resolve("m/src/A.java"), SPDX + "\npackage a;\n");
    Files.writeString(dir.resolve("m/src/B.java"), "package b;\n" + SPDX + "\n");
    assertEquals(List.of(Path.of("m/src/B.java")), withoutLicenceLine(dir));
  }

  @Test
  void theLicenceFileIsTheApacheLicence() {
    String licence = Repo.read("LICENSE");
    assertTrue(licence.contains("Apache License\n                           Version 2.0, January 2004"));
    assertTrue(licence.contains("END OF TERMS AND CONDITIONS"));
  }

  @Test
  void everyPomHasTheProjectVersion() {
    assertTrue(VERSION != null && !VERSION.isEmpty(), "project.version not set by the build");
    Element root = Repo.pom(Repo.ROOT.resolve("pom.xml")).getDocumentElement();
    assertEquals(VERSION, Repo.child(root, "version"));
    for (String m : Repo.modules()) {
      Element project = Repo.pom(Repo.ROOT.resolve(m).resolve("pom.xml")).getDocumentElement();
      Element parent = (Element) project.getElementsByTagName("parent").item(0);
      String version = parent == null ? Repo.child(project, "version") : Repo.child(parent, "version");
      assertEquals(VERSION, version, m);
    }
  }

  @Test
  void theBomManagesEveryPublishedModuleAndNothingElse() {
    Element bom = Repo.pom(Repo.ROOT.resolve("receipts-bom/pom.xml")).getDocumentElement();
    Set<String> managed = new TreeSet<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertEquals("dev.bmreceipts", Repo.child(d, "groupId"));
      assertEquals("${project.version}", Repo.child(d, "version"));
      managed.add(Repo.child(d, "artifactId"));
    }
    Set<String> published = new TreeSet<>();
    for (String m : Repo.modules()) {
      if (!m.equals("receipts-bom") && Repo.published(m)) {
        published.add(m);
      }
    }
    assertEquals(published, managed);
    for (String m : List.of("receipts-bench", "receipts-docs-test", "receipts-test-support")) {
      assertTrue(Repo.modules().contains(m), m + " is not in the root pom's modules");
      assertTrue(!Repo.published(m), m + " is published");
    }
  }

  @Test
  void theReadmeGivesCoordinatesWithTheVersion() {
    String readme = Repo.read("README.md");
    for (String s : List.of(
        "<artifactId>receipts-bom</artifactId>\n      <version>" + VERSION + "</version>",
        "implementation(platform(\"dev.bmreceipts:receipts-bom:" + VERSION + "\"))",
        "implementation(\"dev.bmreceipts:receipts-http:" + VERSION + "\")",
        "mvn -B -ntp install")) {
      assertTrue(readme.contains(s), s);
    }
    // the install route names what it installs: every published module
    int from = readme.indexOf("This installs ");
    String installs = readme.substring(from, readme.indexOf("jar.", from)).replace('\n', ' ');
    for (String m : Repo.modules()) {
      if (Repo.published(m)) {
        assertTrue(installs.contains("`" + m + "`"), m + " missing from: " + installs);
      }
    }
  }

  /**
   * What a Central upload requires of every published pom: a name, a description, a URL, the
   * licence, the developers and the SCM, in the pom itself or in the parent it inherits from
   * (the BOM has no parent, so it carries its own).
   */
  @Test
  void everyPublishedPomHasWhatCentralRequires() {
    Element root = Repo.pom(Repo.ROOT.resolve("pom.xml")).getDocumentElement();
    for (String m : Repo.modules()) {
      if (!Repo.published(m)) {
        continue;
      }
      Element pom = Repo.pom(Repo.ROOT.resolve(m).resolve("pom.xml")).getDocumentElement();
      boolean inherits = !Repo.child(pom, "parent").isEmpty();
      for (String field : List.of("name", "description")) {
        assertFalse(Repo.child(pom, field).isEmpty(), m + " has no <" + field + ">");
      }
      for (String field : List.of("url", "licenses", "developers", "scm")) {
        String own = Repo.child(pom, field);
        assertFalse(own.isEmpty() && (!inherits || Repo.child(root, field).isEmpty()),
            m + " has no <" + field + ">, of its own or inherited");
      }
    }
  }
}
