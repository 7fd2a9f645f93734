package io.userstream.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL logins of a local stack, generated on the first start of its state folder and kept in
 * {@code <state>/postgres-logins.properties}, readable by its owner only (as {@link ApiLogins} keeps the API
 * logins):
 * <ul>
 *   <li>{@code postgres}, the superuser: the launcher's own (initdb, the readiness check, creating the roles
 *       and databases below); no service connects with it;</li>
 *   <li>{@code ingest}: ingest-service's run ledger, a non-superuser role in database {@code ingest};</li>
 *   <li>{@code airflow}: the owner of Airflow's metadata database {@code airflow}, nothing else.</li>
 * </ul>
 * The file is the source of truth for the two service roles: PostgreSQL gets their passwords again at every start
 * ({@link PostgresServer#afterReady()}), so deleting a role's line and starting the stack again rotates it. The
 * superuser's password was set by initdb and only changes in PostgreSQL by hand; the {@code id} line ties the file to
 * the data folder initdb made with it, so a lost or replaced file is refused at start instead of failing to log in.
 */
public final class PostgresLogins {

    public static final String FILE = "postgres-logins.properties";

    static final String SUPERUSER = "postgres";
    static final String INGEST = "ingest";
    static final String AIRFLOW = "airflow";
    private static final String ID = "id";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final PostgresLogin superuser;
    private final PostgresLogin ingest;
    private final PostgresLogin airflow;

    private PostgresLogins(String id, PostgresLogin superuser, PostgresLogin ingest, PostgresLogin airflow) {
        this.id = id;
        this.superuser = superuser;
        this.ingest = ingest;
        this.airflow = airflow;
    }

    /**
     * The logins of the stack in {@code stateDir}: read, with any missing one generated and written first. A missing
     * superuser password gets a new {@code id} with it: PostgreSQL data made with the old one is then refused.
     */
    static synchronized PostgresLogins of(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            Properties saved = new Properties();
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    saved.load(in);
                }
            }
            boolean changed = false;
            if (blank(saved, SUPERUSER) || blank(saved, ID)) {
                saved.setProperty(SUPERUSER, newPassword());
                saved.setProperty(ID, UUID.randomUUID().toString());
                changed = true;
            }
            for (String role : new String[] {INGEST, AIRFLOW}) {
                if (blank(saved, role)) {
                    saved.setProperty(role, newPassword());
                    changed = true;
                }
            }
            if (changed) {
                write(stateDir, file, saved);
            }
            return new PostgresLogins(saved.getProperty(ID), new PostgresLogin(SUPERUSER, saved.getProperty(SUPERUSER)),
                    new PostgresLogin(INGEST, saved.getProperty(INGEST)), new PostgresLogin(AIRFLOW, saved.getProperty(AIRFLOW)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the PostgreSQL logins in " + file, e);
        }
    }

    /** The superuser {@code postgres}: for the launcher itself and for a person at psql, never for a service. */
    public PostgresLogin superuser() {
        return superuser;
    }

    /** ingest-service's role: CONNECT and CREATE (schemas) on database {@code ingest} only. */
    public PostgresLogin ingest() {
        return ingest;
    }

    /** Airflow's role: the owner of database {@code airflow}, nothing else. */
    public PostgresLogin airflow() {
        return airflow;
    }

    /** Identifies the generation of the superuser's password: written beside the data folder initdb made with it. */
    String id() {
        return id;
    }

    private static boolean blank(Properties properties, String key) {
        String value = properties.getProperty(key);
        return value == null || value.isBlank();
    }

    private static void write(Path stateDir, Path file, Properties logins) throws IOException {
        Files.createDirectories(stateDir);
        Path partial = Files.createTempFile(stateDir, FILE, ".new", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer writer = Files.newBufferedWriter(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
            logins.store(writer, "Passwords of the local PostgreSQL's roles postgres (superuser), ingest and airflow, generated by"
                    + " the first start. Delete the ingest or airflow line and start again to rotate that one (docs/security.md).");
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** 24 random bytes, URL-safe Base64: usable unescaped in a connection URL's user-info (Airflow's) and in a shell. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
