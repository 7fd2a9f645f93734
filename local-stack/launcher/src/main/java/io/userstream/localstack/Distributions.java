package io.userstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the Maven build laid out each server: {@code local-stack/<server>-server/target/...} under
 * the repository root.
 */
public record Distributions(Path repositoryRoot) {

    /** The root given by {@code -Duserstream.home}, else the first parent of the working directory holding local-stack/. */
    public static Distributions locate() {
        String home = System.getProperty("userstream.home");
        if (home != null) {
            return new Distributions(Path.of(home).toAbsolutePath().normalize());
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("local-stack/pom.xml"))) {
                return new Distributions(candidate);
            }
        }
        throw new DistributionMissingException("No Userstream checkout above " + dir
                + " (looked for local-stack/pom.xml); set -Duserstream.home=<repository root>.");
    }

    public Path kafkaClasspath() {
        return existing(ServerKind.KAFKA, moduleTarget("kafka-server").resolve("lib"));
    }

    public Path cassandraClasspath() {
        return existing(ServerKind.CASSANDRA, moduleTarget("cassandra-server").resolve("lib"));
    }

    public Path registryRunnerJar() {
        Path dist = existing(ServerKind.REGISTRY, moduleTarget("registry-server").resolve("dist"));
        try (Stream<Path> files = Files.list(dist)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(() -> new DistributionMissingException(ServerKind.REGISTRY, dist.resolve("*-runner.jar")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path postgresArchive() {
        return existing(ServerKind.POSTGRES, moduleTarget("postgres-server").resolve("dist/postgres-linux-x86_64.txz"));
    }

    private Path moduleTarget(String module) {
        return repositoryRoot.resolve("local-stack").resolve(module).resolve("target");
    }

    private static Path existing(ServerKind kind, Path path) {
        if (!Files.exists(path)) {
            throw new DistributionMissingException(kind, path);
        }
        return path;
    }
}
