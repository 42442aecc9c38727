// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A throwaway PostgreSQL for receipts-jdbc's tests and the demo's integration tests, started
 * from the machine's PostgreSQL binaries ({@code initdb} on the PATH or under
 * {@code /usr/lib/postgresql/N/bin}) in a temporary directory on a free loopback port. PostgreSQL refuses to run as root, so as root its commands
 * run as the {@code postgres} user through {@code runuser}. With the system property
 * {@code bm.test.postgres.url} set (a JDBC URL with user and password), that database is used
 * instead and nothing is started.
 */
public final class TestPostgres implements AutoCloseable {
  private static TestPostgres shared;

  private final Path bin;
  private final Path data;
  private final int port;
  private final String url;
  private final boolean asPostgres;

  private TestPostgres(Path bin, Path data, int port, String url, boolean asPostgres) {
    this.bin = bin;
    this.data = data;
    this.port = port;
    this.url = url;
    this.asPostgres = asPostgres;
  }

  /** One server for the whole test JVM, stopped when it exits. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A new server of its own (which a test may stop and start). */
  public static TestPostgres start() {
    String given = System.getProperty("bm.test.postgres.url", "");
    if (!given.isBlank() && !given.startsWith("${")) {
      return new TestPostgres(null, null, -1, given, false);
    }
    try {
      Path bin = binaries();
      boolean root = "root".equals(System.getProperty("user.name"));
      Path data = Files.createTempDirectory("bm-pg-");
      if (root) {
        UserPrincipal postgres = data.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName("postgres");
        Files.setOwner(data, postgres);
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      TestPostgres pg = new TestPostgres(bin, data, port,
          "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres", root);
      pg.run(List.of(bin.resolve("initdb").toString(), "-D", data.resolve("db").toString(),
          "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"));
      pg.startServer();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path binaries() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      candidates.add(Path.of(dir));
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
    } catch (IOException e) {
      // no Debian layout
    }
    for (Path dir : candidates) {
      if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
        return dir.toAbsolutePath();
      }
    }
    throw new IllegalStateException("no PostgreSQL binaries (initdb, pg_ctl) on the PATH or under"
        + " /usr/lib/postgresql: install PostgreSQL (apt-get install postgresql) or set"
        + " BM_TEST_POSTGRES_URL to a database's JDBC URL");
  }

  /** Starts the server (again); blocks until it accepts connections. */
  public void startServer() {
    requireOwn();
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-l",
        data.resolve("log").toString(), "-w", "-t", "60", "-o",
        // fsync off: only a machine crash could lose a commit; synchronous_commit stays on, so
        // that an immediate stop loses nothing acknowledged
        "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c max_connections=300",
        "start"));
  }

  /** Stops the server at once, cutting every connection. */
  public void stopServer() {
    requireOwn();
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(), "-m",
        "immediate", "-w", "stop"));
  }

  /**
   * Freezes the server and every one of its processes (SIGSTOP): connections stay open and
   * nothing answers, as with a database on a hung host. {@link #thaw()} resumes them.
   */
  public void freeze() {
    signal("STOP");
  }

  /** Resumes what {@link #freeze()} stopped (SIGCONT). */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    requireOwn();
    try {
      long postmaster = Long.parseLong(
          Files.readAllLines(data.resolve("db").resolve("postmaster.pid")).get(0).trim());
      List<String> kill = new ArrayList<>(List.of("kill", "-" + name, Long.toString(postmaster)));
      ProcessHandle.of(postmaster).orElseThrow().descendants()
          .forEach(h -> kill.add(Long.toString(h.pid())));
      Process p = new ProcessBuilder(kill).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // a backend may end between the listing and the kill (a connection closing): that one is
      // not an error, any other complaint is
      boolean onlyGone = !out.isBlank()
          && out.lines().allMatch(l -> l.contains("No such process"));
      if (!p.waitFor(10, TimeUnit.SECONDS) || (p.exitValue() != 0 && !onlyGone)) {
        throw new IllegalStateException("kill -" + name + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether this server was started here (and so may be stopped and started). */
  public boolean ownServer() {
    return bin != null;
  }

  private void requireOwn() {
    if (bin == null) {
      throw new IllegalStateException("the test database was given (bm.test.postgres.url):"
          + " it cannot be stopped or started here");
    }
  }

  /** The server's JDBC URL, with the user. */
  public String url() {
    return url;
  }

  /**
   * A new DataSource to the server: a new connection per getConnection, with the timeouts a
   * store's host should set (see {@code JdbcStore}), the cancel's among them.
   */
  public DataSource dataSource() {
    return new UrlDataSource(url + (url.contains("?") ? "&" : "?")
        + "connectTimeout=5&loginTimeout=5&socketTimeout=30&cancelSignalTimeout=1");
  }

  private void run(List<String> command) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " failed: "
            + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server, if started here, and deletes its files. */
  @Override
  public void close() {
    if (bin == null) {
      return;
    }
    try {
      stopServer();
    } catch (RuntimeException e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // left for the OS
    }
  }
}
