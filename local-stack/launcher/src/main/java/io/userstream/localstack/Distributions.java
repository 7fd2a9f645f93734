package io.userstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the Maven build laid out each server, {@code local-stack/<server>-server/target/...}, and
 * each service's Spring Boot jar, {@code <service>/target/<service>-<version>.jar}, under the
 * repository root.
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

    /**
     * The executable jar {@code ./mvnw package} built for a service ({@link ServerKind#isService()}).
     *
     * @throws DistributionMissingException naming the {@code ./mvnw} command that builds it
     */
    public Path serviceJar(ServerKind service) {
        if (!service.isService()) {
            throw new IllegalArgumentException(service.displayName() + " is not one of our services");
        }
        String module = service.displayName();
        Path target = repositoryRoot.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                Optional<Path> jar = files.filter(p -> isServiceJar(module, p.getFileName().toString()))
                        .max(Comparator.comparing(Distributions::lastModified));
                if (jar.isPresent()) {
                    return jar.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw DistributionMissingException.serviceJar(service, target.resolve(module + "-<version>.jar"));
    }

    /** {@code ingest-service-0.1.0-SNAPSHOT.jar}, not the {@code .jar.original} or a sources/javadoc/tests jar. */
    private static boolean isServiceJar(String module, String name) {
        return name.startsWith(module + "-") && name.endsWith(".jar")
                && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar") && !name.endsWith("-tests.jar")
                && !name.endsWith("-plain.jar");
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
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
