package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker/kafka/kafka-init.sh: its table of SCRAM principals (principal → the variable of .env holding its password)
 * and its table of ACLs, one grant per operation; and the script run with stand-ins for kafka-configs and kafka-acls
 * that record what it asked of them, including the files it handed them.
 */
record KafkaInitScript(Path file, String text) {

    /** One ACL as Kafka's Admin API names it: User:console TOPIC LITERAL users_created READ. */
    record Acl(String principal, String resourceType, String patternType, String name, String operation) {

        /** From kafka-acls' words: topic, transactional-id, prefixed, DescribeConfigs. */
        static Acl of(String principal, String resource, String pattern, String name, String operation) {
            return new Acl(principal, resource.toUpperCase(Locale.ROOT).replace('-', '_'), pattern.toUpperCase(Locale.ROOT), name,
                    operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return "User:%s %s %s %s %s".formatted(principal, resourceType, patternType, name, operation);
        }
    }

    /** What the script asked of the stand-ins. */
    record Calls(List<Acl> acls, Map<String, String> scramPasswords, List<String> arguments, List<String> adminConfigs) {
    }

    private static final String STAND_IN = """
            #!/bin/sh
            # Stands in for a Kafka tool: records the call and the content of the files it names.
            {
              printf 'CALL\\t%s' "${0##*/}"
              for argument in "$@"; do printf '\\t%s' "$argument"; done
              printf '\\n'
              while [ $# -gt 0 ]; do
                case "$1" in
                  --command-config | --add-config-file)
                    while IFS= read -r line; do printf 'FILE\\t%s\\t%s\\n' "$1" "$line"; done < "$2" ;;
                esac
                shift
              done
            } >> "$KAFKA_STAND_IN_LOG"
            """;
    private static final Pattern SCRAM_FILE = Pattern.compile("SCRAM-SHA-256=iterations=(\\d+),password=(.*)");

    static KafkaInitScript read(Path file) throws IOException {
        return new KafkaInitScript(file, Files.readString(file));
    }

    /** The users='...' table: principal → the variable of its password. */
    Map<String, String> users() {
        Map<String, String> users = new LinkedHashMap<>();
        for (String[] row : table("users", 2)) {
            assertThat(users.put(row[0], row[1])).as("%s: principal %s listed once", file.getFileName(), row[0]).isNull();
        }
        return users;
    }

    /** The acls='...' table, one ACL per operation. */
    List<Acl> acls() {
        List<Acl> acls = new ArrayList<>();
        for (String[] row : table("acls", 5)) {
            for (String operation : row[4].split(",")) {
                acls.add(Acl.of(row[0], row[1], row[2], row[3], operation));
            }
        }
        return acls;
    }

    /** The rows of a table name='...' of the script, comments and blank lines left out. */
    private List<String[]> table(String name, int columns) {
        Matcher table = Pattern.compile("(?ms)^" + name + "='\n(.*?)^'$").matcher(text);
        assertThat(table.find()).as("%s has a table %s='...'", file.getFileName(), name).isTrue();
        List<String[]> rows = new ArrayList<>();
        for (String line : table.group(1).split("\n")) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            String[] row = line.strip().split("\\s+");
            assertThat(row).as("%s: row '%s' of %s", file.getFileName(), line, name).hasSize(columns);
            rows.add(row);
        }
        assertThat(rows).as("%s: rows of %s", file.getFileName(), name).isNotEmpty();
        return rows;
    }

    /** Runs the script with this environment, kafka-configs and kafka-acls replaced by stand-ins. */
    Shell run(Map<String, String> environment, Path workDir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(workDir.resolve("bin"));
        for (String tool : List.of("kafka-configs", "kafka-acls")) {
            Shell.writeExecutable(bin.resolve(tool), STAND_IN);
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("KAFKA_STAND_IN_LOG", log(workDir).toString());
        env.put("TMPDIR", Files.createDirectories(workDir.resolve("tmp")).toString());
        Files.deleteIfExists(log(workDir));
        Files.createFile(log(workDir));
        return Shell.run(file, env, List.of(), workDir);
    }

    /** What the last {@link #run} asked of the stand-ins. */
    Calls calls(Path workDir) throws IOException {
        List<Acl> acls = new ArrayList<>();
        Map<String, String> scramPasswords = new LinkedHashMap<>();
        List<String> arguments = new ArrayList<>();
        List<String> adminConfigs = new ArrayList<>();
        String principal = null;
        StringBuilder adminConfig = null;
        for (String line : Files.readAllLines(log(workDir))) {
            String[] fields = line.split("\t", -1);
            if (fields[0].equals("CALL")) {
                if (adminConfig != null) {
                    adminConfigs.add(adminConfig.toString());
                }
                adminConfig = new StringBuilder();
                List<String> call = List.of(fields).subList(1, fields.length);
                arguments.addAll(call);
                principal = switch (call.get(0)) {
                    case "kafka-acls" -> {
                        acls.addAll(aclsAdded(call.subList(1, call.size())));
                        yield null;
                    }
                    case "kafka-configs" -> scramUser(call.subList(1, call.size()));
                    default -> throw new AssertionError("unexpected tool " + call.get(0));
                };
            } else {
                assertThat(fields).as("stand-in log line %s", line).hasSize(3).startsWith("FILE");
                if (fields[1].equals("--command-config")) {
                    adminConfig.append(fields[2]).append('\n');
                } else {
                    Matcher scram = SCRAM_FILE.matcher(fields[2]);
                    assertThat(scram.matches()).as("--add-config-file line %s", fields[2]).isTrue();
                    assertThat(Integer.parseInt(scram.group(1))).as("SCRAM iterations of %s", principal).isEqualTo(8192);
                    assertThat(scramPasswords.put(principal, scram.group(2))).as("SCRAM credentials of %s set once", principal).isNull();
                }
            }
        }
        if (adminConfig != null) {
            adminConfigs.add(adminConfig.toString());
        }
        return new Calls(acls, scramPasswords, arguments, adminConfigs);
    }

    /** kafka-configs --alter --entity-type users --entity-name X --add-config-file F: X. */
    private static String scramUser(List<String> arguments) {
        assertThat(arguments).as("kafka-configs %s", arguments).contains("--alter", "--add-config-file")
                .containsSubsequence("--entity-type", "users").doesNotContain("--add-config");
        return arguments.get(arguments.indexOf("--entity-name") + 1);
    }

    /** kafka-acls --add --allow-principal User:X --topic T --resource-pattern-type P --operation O ...: one ACL per operation. */
    private static List<Acl> aclsAdded(List<String> arguments) {
        String principal = null;
        String resource = null;
        String name = null;
        String pattern = "literal";
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String option = arguments.get(i);
            switch (option) {
                case "--add" -> { }
                case "--bootstrap-server", "--command-config" -> i++;
                case "--allow-host" -> assertThat(arguments.get(++i)).as("kafka-acls --allow-host").isEqualTo("*");
                case "--allow-principal" -> principal = arguments.get(++i).replaceFirst("^User:", "");
                case "--topic", "--group", "--transactional-id" -> {
                    assertThat(resource).as("one resource per kafka-acls call: %s", arguments).isNull();
                    resource = option.substring(2);
                    name = arguments.get(++i);
                }
                case "--cluster" -> {
                    assertThat(resource).as("one resource per kafka-acls call: %s", arguments).isNull();
                    resource = "cluster";
                    name = "kafka-cluster";
                }
                case "--resource-pattern-type" -> pattern = arguments.get(++i);
                case "--operation" -> operations.add(arguments.get(++i));
                default -> throw new AssertionError("kafka-acls option " + option + " not expected: " + arguments);
            }
        }
        assertThat(arguments).as("kafka-acls %s", arguments).contains("--add");
        assertThat(principal).as("kafka-acls %s: principal", arguments).isNotBlank();
        assertThat(resource).as("kafka-acls %s: resource", arguments).isNotNull();
        assertThat(operations).as("kafka-acls %s: operations", arguments).isNotEmpty();
        List<Acl> acls = new ArrayList<>();
        for (String operation : operations) {
            acls.add(Acl.of(principal, resource, pattern, name, operation));
        }
        return acls;
    }

    private static Path log(Path workDir) {
        return workDir.resolve("kafka-tools.log");
    }
}
