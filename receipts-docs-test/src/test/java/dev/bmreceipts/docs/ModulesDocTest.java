// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * MODULES.md tells the truth about the compiled modules: every module's section names each of
 * its {@code requires} and {@code exports}, each exported package's row names every public type
 * in it, and no row names a package that is not exported.
 */
class ModulesDocTest {
  private static final Pattern EXPORT_ROW = Pattern.compile("^\\| `exports ([\\w.]+)` \\|(.*)\\|$");

  /** The compiled descriptor of every module of the build that has one, by module name. */
  static Map<String, ModuleDescriptor> descriptors() {
    Map<String, ModuleDescriptor> modules = new TreeMap<>();
    for (String m : Repo.modules()) {
      Path info = classes(m).resolve("module-info.class");
      if (Files.isRegularFile(info)) {
        try (InputStream in = Files.newInputStream(info)) {
          ModuleDescriptor d = ModuleDescriptor.read(in);
          modules.put(d.name(), d);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return modules;
  }

  static Path classes(String module) {
    return Repo.ROOT.resolve(module).resolve("target/classes");
  }

  /** The public top-level types of one package, from the build's classes. */
  static Set<String> publicTypes(String pkg) throws Exception {
    List<URL> dirs = new ArrayList<>();
    for (String m : Repo.modules()) {
      dirs.add(classes(m).toUri().toURL());
    }
    Set<String> types = new TreeSet<>();
    try (URLClassLoader loader = new URLClassLoader(dirs.toArray(URL[]::new),
        ModulesDocTest.class.getClassLoader())) {
      for (String m : Repo.modules()) {
        Path dir = classes(m).resolve(pkg.replace('.', '/'));
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            String file = f.getFileName().toString();
            if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
              continue;
            }
            String name = file.substring(0, file.length() - ".class".length());
            if (Modifier.isPublic(Class.forName(pkg + "." + name, false, loader).getModifiers())) {
              types.add(name);
            }
          }
        }
      }
    }
    return types;
  }

  /** MODULES.md's section for a module: from its {@code ## `name`} heading to the next. */
  static String section(String doc, String module) {
    int start = doc.indexOf("\n## `" + module + "`");
    assertTrue(start >= 0, "MODULES.md has no section ## `" + module + "`");
    int end = doc.indexOf("\n## ", start + 1);
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }

  /** The {@code | `exports P` | ... |} rows of MODULES.md: package to the row's text. */
  static Map<String, String> exportRows(String doc) {
    Map<String, String> rows = new TreeMap<>();
    for (String line : doc.lines().toList()) {
      Matcher m = EXPORT_ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(1), m.group(2));
      }
    }
    return rows;
  }

  /** The public types that a row does not name in backticks. */
  static Set<String> unnamed(String row, Set<String> types) {
    Set<String> missing = new TreeSet<>();
    for (String t : types) {
      if (!row.contains("`" + t + "`")) {
        missing.add(t);
      }
    }
    return missing;
  }

  @Test
  void everyExportedPublicTypeIsNamedInItsPackagesRow() throws Exception {
    String doc = Repo.read("MODULES.md");
    Map<String, String> rows = exportRows(doc);
    Map<String, Set<String>> missing = new TreeMap<>();
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor d : descriptors().values()) {
      for (ModuleDescriptor.Exports e : d.exports()) {
        if (e.isQualified()) {
          continue;
        }
        exported.add(e.source());
        String row = rows.get(e.source());
        assertTrue(row != null, "MODULES.md has no | `exports " + e.source() + "` | row");
        Set<String> types = publicTypes(e.source());
        assertFalse(types.isEmpty(), "no public types found in " + e.source());
        Set<String> gone = unnamed(row, types);
        if (!gone.isEmpty()) {
          missing.put(e.source(), gone);
        }
      }
    }
    assertEquals(Map.of(), missing, "public types MODULES.md's export rows do not name");
    assertEquals(exported, rows.keySet(), "MODULES.md's export rows against the modules' exports");
  }

  @Test
  void everyModulesSectionNamesEachOfItsRequires() {
    String doc = Repo.read("MODULES.md");
    Map<String, Set<String>> missing = new TreeMap<>();
    Map<String, ModuleDescriptor> modules = descriptors();
    assertTrue(modules.keySet().containsAll(Set.of("dev.bmreceipts.core", "dev.bmreceipts.http",
        "dev.bmreceipts.auth", "dev.bmreceipts.demo")), modules.keySet().toString());
    for (ModuleDescriptor d : modules.values()) {
      String section = section(doc, d.name());
      for (ModuleDescriptor.Requires r : d.requires()) {
        if (r.name().equals("java.base")) {
          continue;
        }
        String directive = "requires "
            + (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)
                ? "transitive " : "")
            + (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) ? "static " : "")
            + r.name();
        if (!section.contains("`" + directive + "`")) {
          missing.computeIfAbsent(d.name(), k -> new TreeSet<>()).add(directive);
        }
      }
    }
    assertEquals(Map.of(), missing, "requires directives MODULES.md does not name");
  }

  @Test
  void theCheckSeesATypeThatARowLeavesOut() {
    assertEquals(Set.of("WebhookOutcome"), unnamed("the webhook (`Webhook`, `WebhookObserver`)",
        Set.of("Webhook", "WebhookObserver", "WebhookOutcome")));
    assertEquals(Map.of("dev.bmreceipts.x", " `A` "),
        exportRows("| `exports dev.bmreceipts.x` | `A` |\n| `requires y` | z |\n"));
  }
}
