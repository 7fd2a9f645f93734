package io.userstream.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The password files of a state folder ({@code api-logins.properties}, {@code postgres-logins.properties}, ...): read,
 * and written whole (never half) and readable by their owner only, as Airflow keeps its admin password.
 */
final class StateSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private StateSecrets() {
    }

    /** The file's entries; empty when it does not exist yet. */
    static Properties read(Path file) throws IOException {
        Properties saved = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            }
        }
        return saved;
    }

    /** Replaces {@code file} atomically by {@code entries}, mode {@code rw-------}. */
    static void write(Path file, Properties entries, String comment) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, file.getFileName().toString(), ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer writer = Files.newBufferedWriter(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
            entries.store(writer, comment);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Gives each of {@code names} without a value a {@link #newPassword()}; true if any was missing. */
    static boolean generateMissing(Properties entries, Iterable<String> names) {
        boolean generated = false;
        for (String name : names) {
            if (blank(entries, name)) {
                entries.setProperty(name, newPassword());
                generated = true;
            }
        }
        return generated;
    }

    static boolean blank(Properties entries, String key) {
        String value = entries.getProperty(key);
        return value == null || value.isBlank();
    }

    /**
     * 24 random bytes, URL-safe Base64: usable unescaped in a URL's user-info (Airflow's connection URIs), in a shell
     * and in a JAAS configuration's quoted string.
     */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
