package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A Dockerfile's instructions (continuation lines joined, comments dropped), by stage. */
record Dockerfile(List<List<String[]>> stagesInstructions, List<String> stages, Set<String> stageNames) {

    static Dockerfile read(Path file) throws IOException {
        List<List<String[]>> stagesInstructions = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        Set<String> stageNames = new HashSet<>();
        StringBuilder logical = new StringBuilder();
        List<String> instructions = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && logical.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            instructions.add(logical.append(trimmed).toString().strip());
            logical.setLength(0);
        }
        for (String instruction : instructions) {
            if (instruction.isEmpty()) {
                continue;
            }
            String[] parts = instruction.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length == 2 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                String[] from = arguments.replaceAll("--\\S+\\s+", "").split("\\s+");
                stages.add(from[0]);
                if (from.length == 3 && from[1].equalsIgnoreCase("AS")) {
                    stageNames.add(from[2]);
                }
                stagesInstructions.add(new ArrayList<>());
            }
            assertThat(stagesInstructions).as("%s starts with FROM", file).isNotEmpty();
            stagesInstructions.get(stagesInstructions.size() - 1).add(new String[] {keyword, arguments});
        }
        return new Dockerfile(stagesInstructions, stages, stageNames);
    }

    /** Arguments of every such instruction, in every stage. */
    List<String> all(String keyword) {
        return stagesInstructions.stream().flatMap(List::stream).filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    /** Arguments of every such instruction in the last (runtime) stage. */
    List<String> lastStage(String keyword) {
        return stagesInstructions.get(stagesInstructions.size() - 1).stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }
}
