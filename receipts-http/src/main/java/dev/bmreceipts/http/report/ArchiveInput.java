// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One input of an {@link ArchiveAnalyser}: a file (plain, read in parallel byte ranges, or gzip,
 * recognised by its first two bytes whatever its name) or a stream read once (standard input,
 * gzip or not).
 *
 * @param name how reports and bad-line locations name it
 * @param file the file, empty for a stream
 * @param stream the stream, empty for a file; the analyser reads it to its end and does not
 *     close it
 */
public record ArchiveInput(String name, Optional<Path> file, Optional<InputStream> stream) {
  public ArchiveInput {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(file, "file cannot be null, use Optional.empty()");
    Objects.requireNonNull(stream, "stream cannot be null, use Optional.empty()");
    if (file.isPresent() == stream.isPresent()) {
      throw new IllegalArgumentException("an input is a file or a stream, exactly one");
    }
  }

  /** A file, named by its path. */
  public static ArchiveInput file(Path path) {
    Objects.requireNonNull(path, "path cannot be null");
    return new ArchiveInput(path.toString(), Optional.of(path), Optional.empty());
  }

  /** A stream, such as {@code System.in} named {@code "-"}. */
  public static ArchiveInput stream(String name, InputStream in) {
    Objects.requireNonNull(in, "in cannot be null");
    return new ArchiveInput(name, Optional.empty(), Optional.of(in));
  }
}
