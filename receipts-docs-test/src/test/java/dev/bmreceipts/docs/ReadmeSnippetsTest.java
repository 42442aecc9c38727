// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block in the README compiles, as pasted, against the built modules.
 *
 * <p>The convention (also in the README's Development section): every snippet sees the imports in
 * {@link #IMPORTS}. A block that declares a type ({@code public final class ...}) is one source
 * file. Any other block is a method body; the HTML comment {@code <!-- snippet: SIGNATURE -->}
 * on the line before it gives the method's signature, which names the variables the snippet
 * takes from its surroundings and the checked exceptions they may throw; without one it is
 * {@code void snippet()}, which throws nothing checked. So a snippet that forgets a checked
 * exception does not compile. A block after {@code <!-- snippet: members -->} holds members of a
 * class (a test method, say) and is compiled inside one.
 */
class ReadmeSnippetsTest {
  /** What every snippet may use without importing it. */
  static final String IMPORTS = String.join("\n",
      "import com.sun.net.httpserver.HttpServer;",
      "import dev.bmreceipts.auth.*;",
      "import dev.bmreceipts.core.*;",
      "import dev.bmreceipts.emulator.*;",
      "import dev.bmreceipts.http.*;",
      "import dev.bmreceipts.http.journal.*;",
      "import dev.bmreceipts.http.metrics.*;",
      "import dev.bmreceipts.http.sender.*;",
      "import dev.bmreceipts.jdbc.*;",
      "import jakarta.servlet.ServletException;",
      "import jakarta.servlet.http.HttpServlet;",
      "import jakarta.servlet.http.HttpServletRequest;",
      "import jakarta.servlet.http.HttpServletResponse;",
      "import java.io.IOException;",
      "import java.io.Writer;",
      "import java.lang.management.ManagementFactory;",
      "import java.net.http.HttpClient;",
      "import java.net.http.HttpRequest;",
      "import java.net.http.HttpResponse.BodyHandlers;",
      "import java.time.Duration;",
      "import org.junit.jupiter.api.Test;",
      "import static org.junit.jupiter.api.Assertions.assertEquals;",
      "import java.nio.file.Path;",
      "import java.util.Queue;",
      "import java.util.concurrent.CompletionException;",
      "");

  private static final Pattern WRAPPER = Pattern.compile("^<!-- snippet: (.+) -->$");
  private static final Pattern TYPE = Pattern.compile(
      "^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

  @TempDir Path out;

  /** A fenced java block: the README line it starts on, its wrapper signature, its code. */
  record Snippet(int line, String signature, String code) {}

  static List<Snippet> snippets(List<String> readme) {
    List<Snippet> snippets = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      if (!readme.get(i).trim().equals("```java")) {
        continue;
      }
      Matcher w = i > 0 ? WRAPPER.matcher(readme.get(i - 1).trim()) : null;
      String signature = w != null && w.matches() ? w.group(1) : "void snippet()";
      int start = i + 1;
      StringBuilder code = new StringBuilder();
      for (i = start; !readme.get(i).trim().equals("```"); i++) {
        code.append(readme.get(i)).append('\n');
      }
      snippets.add(new Snippet(start + 1, signature, code.toString()));
    }
    return snippets;
  }

  /** The source file a snippet becomes, and its class name. */
  static String[] source(Snippet s) {
    Matcher type = TYPE.matcher(s.code());
    if (type.find() && s.code().substring(0, type.start()).isBlank()) {
      return new String[] {type.group(1), IMPORTS + s.code()};
    }
    String name = "ReadmeLine" + s.line();
    if (s.signature().equals("members")) {
      return new String[] {name, IMPORTS + "final class " + name + " {\n" + s.code() + "}\n"};
    }
    return new String[] {name,
        IMPORTS + "final class " + name + " {\n  " + s.signature() + " {\n" + s.code() + "  }\n}\n"};
  }

  /** Compiles one snippet; returns its errors as lines, empty when it compiles. */
  List<String> compile(Snippet s) {
    String[] src = source(s);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + src[0] + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return src[1];
      }
    };
    Path dir = out.resolve("line" + s.line());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> options = List.of("--release", "17", "-proc:none", "-d", dir.toString(),
        "-classpath", System.getProperty("java.class.path"));
    boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
    List<String> errors = diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> "README line " + s.line() + " (source line " + d.getLineNumber() + "): "
            + d.getMessage(Locale.ROOT))
        .collect(Collectors.toList());
    if (!ok && errors.isEmpty()) {
      errors.add("README line " + s.line() + ": javac failed without an error");
    }
    return errors;
  }

  private static List<Snippet> readme() {
    return snippets(Repo.read("README.md").lines().toList());
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSnippetInTheReadmeCompiles() {
    return readme().stream().map(s -> DynamicTest.dynamicTest("README line " + s.line(), () -> {
      List<String> errors = compile(s);
      assertTrue(errors.isEmpty(), String.join("\n", errors) + "\n--- as compiled:\n"
          + source(s)[1]);
    }));
  }

  @Test
  void theReadmeHasItsSnippetsAndTheirWrappers() {
    List<Snippet> snippets = readme();
    assertTrue(snippets.size() >= 5, "java snippets found: " + snippets.size());
    assertTrue(snippets.stream().anyMatch(s -> source(s)[0].equals("WebhookServlet")));
    assertTrue(snippets.stream().anyMatch(s -> !s.signature().equals("void snippet()")));
  }

  @Test
  void aSnippetThatForgetsACheckedExceptionOrAVariableDoesNotCompile() {
    List<Snippet> bad = snippets(List.of(
        "```java", "new java.net.URI(\"x\");", "```",
        "<!-- snippet: void run(Appendable out) -->",
        "```java", "ReceiptMetrics.builder().build().writePrometheus(out);", "```",
        "```java", "webhook.handler();", "```"));
    assertEquals(3, bad.size());
    for (Snippet s : bad) {
      assertFalse(compile(s).isEmpty(), s.code());
    }
    Snippet good = snippets(List.of("<!-- snippet: void run(Appendable out) throws IOException -->",
        "```java", "ReceiptMetrics.builder().build().writePrometheus(out);", "```")).get(0);
    assertEquals(List.of(), compile(good));
  }
}
