package io.userstream.store.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * One versioned script, {@code V<version>__<description>.cql}: statements separated by a semicolon
 * at the end of a line, {@code --} comment lines, and the placeholders {@code ${keyspace}} and
 * {@code ${replication}}.
 *
 * @param version     order of application, unique
 * @param description from the file name, underscores as blanks
 * @param checksum    CRC32 of the script text before placeholders are filled, so changing the
 *                    replication setting does not count as an edited migration
 * @param script      the raw text
 */
public record CqlMigration(int version, String description, long checksum, String script) {

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.cql");

    public static CqlMigration parse(String fileName, String script) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            throw new MigrationException("Migration file " + fileName + " is not named V<version>__<description>.cql");
        }
        CRC32 crc = new CRC32();
        crc.update(script.getBytes(StandardCharsets.UTF_8));
        return new CqlMigration(Integer.parseInt(matcher.group(1)), matcher.group(2).replace('_', ' '), crc.getValue(), script);
    }

    /** The script's statements with the placeholders filled in. */
    public List<String> statements(String keyspace, String replication) {
        StringBuilder current = new StringBuilder();
        List<String> statements = new ArrayList<>();
        for (String line : script.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(fill(current.toString().strip(), keyspace, replication));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(fill(current.toString().strip(), keyspace, replication));
        }
        return statements;
    }

    private static String fill(String statement, String keyspace, String replication) {
        String body = statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement;
        return body.replace("${keyspace}", keyspace).replace("${replication}", replication);
    }
}
