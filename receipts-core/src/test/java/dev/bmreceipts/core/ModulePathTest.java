// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the built module ({@code target/classes}, with its module-info) into a fresh
 * {@link ModuleLayer} together with the jakarta.json API and Parsson jars, exactly as a host on the
 * module path would, and uses it from this test's module through its exports only.
 */
class ModulePathTest {
  private static final String CORE = "dev.bmreceipts.core";
  private static final String RBM = "dev.bmreceipts.core.rbm";
  private static final byte[] BODY = ("{\"requestId\":\"r\",\"receipts\":{\"receipts\":["
      + "{\"message\":\"conversations/c/messages/m1\",\"receiptType\":\"DELIVERED\"},"
      + "{\"message\":\"conversations/c/messages/m2\",\"receiptType\":\"READ\"}]}}").getBytes(StandardCharsets.UTF_8);

  private static ModuleLayer layer;
  private static Module core;

  /** The built classes and the two jars, from the module path Surefire uses or else the class path. */
  private static List<Path> modulePath() {
    Set<Path> found = new LinkedHashSet<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property, "");
      for (String entry : value.split(File.pathSeparator)) {
        if (entry.isEmpty()) {
          continue;
        }
        Path p = Path.of(entry).toAbsolutePath().normalize();
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        boolean builtModule = Files.isRegularFile(p.resolve("module-info.class"))
            && Files.isDirectory(p.resolve("dev/bmreceipts/core"));
        boolean jar = name.endsWith(".jar")
            && (name.startsWith("jakarta.json-api-") || name.startsWith("parsson-"));
        if (builtModule || jar) {
          found.add(p);
        }
      }
    }
    return List.copyOf(found);
  }

  @BeforeAll
  static void defineLayer() {
    List<Path> path = modulePath();
    assertEquals(3, path.size(), "expected target/classes, jakarta.json-api and parsson, found " + path);
    ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
    Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of(CORE));
    assertEquals(Set.of(CORE, "jakarta.json", "org.eclipse.parsson"),
        cf.modules().stream().map(m -> m.name()).collect(Collectors.toSet()));
    layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    core = layer.findModule(CORE).orElseThrow();
  }

  /** Runs {@code action} with the layer's loader as context loader, as JSON-P's provider lookup uses it. */
  private static Object inLayer(ThrowingSupplier action) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(layer.findLoader(CORE));
    try {
      return action.get();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  /** A supplier that may throw, for reflective calls. */
  private interface ThrowingSupplier {
    Object get() throws Exception;
  }

  @Test
  void theDescriptorExportsOnlyTheApiPackagesAndRequiresJsonTransitively() {
    assertTrue(core.isNamed());
    assertNotSame(getClass().getModule(), core);
    ModuleDescriptor d = core.getDescriptor();
    assertEquals(Set.of(CORE, RBM), d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
    assertTrue(d.opens().isEmpty());
    assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("jakarta.json")
        && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)));
    assertEquals(Set.of("java.base", "jakarta.json"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
  }

  @Test
  void exportsTheApiPackagesAndNoOther() {
    assertTrue(core.isExported("dev.bmreceipts.core"));
    assertTrue(core.isExported(RBM));
    assertTrue(core.getPackages().contains("dev.bmreceipts.core.internal"));
    assertFalse(core.isExported("dev.bmreceipts.core.internal"));
    for (String pn : core.getPackages()) {
      if (!pn.equals(CORE) && !pn.equals(RBM)) {
        assertFalse(core.isExported(pn, getClass().getModule()), pn);
        assertFalse(core.isOpen(pn, getClass().getModule()), pn);
      }
    }
  }

  @Test
  void aPublicClassLoadedThroughTheLayerParsesAndSigns() throws Exception {
    Class<?> parserType = Class.forName(core, "dev.bmreceipts.core.WebhookParser");
    assertNotNull(parserType);
    assertSame(core, parserType.getModule());
    assertNotSame(WebhookParser.class, parserType);

    Object payload = inLayer(() -> {
      Object parser = parserType.getMethod("create").invoke(null);
      return parserType.getMethod("parse", byte[].class).invoke(parser, (Object) BODY);
    });
    assertSame(core, payload.getClass().getModule());
    assertEquals("RECEIPTS", ((Enum<?>) payload.getClass().getMethod("kind").invoke(payload)).name());
    assertEquals(Optional.of("r"), payload.getClass().getMethod("requestId").invoke(payload));
    assertEquals("WebhookPayload[kind=RECEIPTS, agent=, conversationId=, requestId=r, receipts=2]", payload.toString());

    Class<?> signature = Class.forName(core, "dev.bmreceipts.core.WebhookSignature");
    Object header = signature.getMethod("sign", String.class, byte[].class).invoke(null, "k", BODY);
    assertEquals(WebhookSignature.sign("k", BODY), header);
  }

  @Test
  void theRbmPackageLoadedThroughTheLayerParsesAnEnvelope() throws Exception {
    Class<?> parserType = Class.forName(core, RBM + ".RbmParser");
    assertSame(core, parserType.getModule());
    byte[] body = ("{\"message\":{\"data\":\"" + java.util.Base64.getEncoder().encodeToString(
        "{\"senderPhoneNumber\":\"+447700900123\",\"eventType\":\"READ\",\"eventId\":\"e\",\"messageId\":\"m\"}"
            .getBytes(StandardCharsets.UTF_8)) + "\"}}").getBytes(StandardCharsets.UTF_8);
    Object payload = inLayer(() -> {
      Object parser = parserType.getMethod("create").invoke(null);
      Object parsed = parserType.getMethod("parse", byte[].class).invoke(parser, (Object) body);
      Object envelope = ((Optional<?>) parsed.getClass().getMethod("envelope").invoke(parsed)).orElseThrow();
      return parserType.getMethod("payload", envelope.getClass()).invoke(parser, envelope);
    });
    assertSame(core, payload.getClass().getModule());
    assertEquals(Optional.of("rbm-event 1 e +447700900123"), payload.getClass().getMethod("dedupeKey").invoke(payload));
  }

  @Test
  void theUnexportedPackageIsNotReachable() throws Exception {
    Class<?> internal = Class.forName(core, "dev.bmreceipts.core.internal.StrictUtf8");
    assertNotNull(internal, "the internal class exists in the module");
    Method decode = internal.getMethod("decode", byte[].class, int.class, int.class);

    assertThrows(IllegalAccessException.class, () -> decode.invoke(null, new byte[0], 0, 0));
    assertThrows(InaccessibleObjectException.class, () -> decode.setAccessible(true));
    assertThrows(IllegalAccessException.class, () -> MethodHandles.publicLookup().findStatic(internal, "decode",
        MethodType.methodType(CharBuffer.class, byte[].class, int.class, int.class)));
  }

  @Test
  void packagePrivateTypesOfTheApiPackageStayClosed() throws Exception {
    Class<?> reader = Class.forName(core, "dev.bmreceipts.core.PayloadReader");
    assertNotNull(reader);
    assertThrows(InaccessibleObjectException.class, () -> reader.getDeclaredConstructors()[0].setAccessible(true));
  }
}
