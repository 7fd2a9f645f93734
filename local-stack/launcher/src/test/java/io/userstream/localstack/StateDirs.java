package io.userstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** State folders for tests that need a stack of their own. */
public final class StateDirs {

    private StateDirs() {
    }

    /**
     * A new folder below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter
     * JUnit's private temporary folders.
     */
    public static Path newUnderTarget() {
        try {
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            return Files.createTempDirectory(target, "state-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
