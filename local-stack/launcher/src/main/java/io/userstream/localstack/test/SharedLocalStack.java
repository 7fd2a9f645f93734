package io.userstream.localstack.test;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one stack of a test JVM. It uses free ports (so it never collides with {@code ./pipeline up})
 * and a fresh state folder, {@code target/local-stack} by default
 * ({@code -Duserstream.local-stack.dir} to change it); servers are added as test classes ask for them
 * and all stop when the JVM exits.
 */
public final class SharedLocalStack {

    private static LocalStack stack;

    private SharedLocalStack() {
    }

    /** The shared stack with at least the given servers running. */
    public static synchronized LocalStack ensureStarted(Set<ServerKind> kinds) {
        if (stack == null) {
            Path stateDir = Path.of(System.getProperty("userstream.local-stack.dir", "target/local-stack")).toAbsolutePath();
            try (LocalStack leftovers = LocalStack.attached(stateDir, Ports.ephemeral(), SharedLocalStack::print)) {
                leftovers.stopAll(); // servers a killed test JVM left behind, found through their PID files
            }
            deleteRecursively(stateDir);
            // Made after the clean-up, so the logins it generates are the ones in the state folder's files
            // (api-logins.properties, postgres-logins.properties): a person can use them while the tests run.
            stack = LocalStack.attached(stateDir, Ports.ephemeral(), SharedLocalStack::print);
        }
        return stack.start(kinds.isEmpty() ? ServerKind.dataServers() : kinds);
    }

    private static void print(String line) {
        System.out.println("[local-stack] " + line);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not clear " + dir, e);
        }
    }
}
