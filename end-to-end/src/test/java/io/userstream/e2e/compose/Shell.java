package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the file's POSIX sh scripts run here with {@code sh} (dash on Debian and Ubuntu; the images run them with
 * dash or bash), in a clean environment: only PATH and what the test gives it, as a container would.
 */
record Shell(int exitCode, String out, String err) {

    static Shell run(Path script, Map<String, String> environment, List<String> arguments, Path workDir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(arguments);
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done).as("sh %s ended within 60 s", script.getFileName()).isTrue();
        return new Shell(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** An executable sh script, such as a stand-in for a tool the script under test calls. */
    static void writeExecutable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).as("chmod +x %s", file).isTrue();
    }
}
