package io.userstream.localstack.cli;

import io.userstream.localstack.airflow.UserAutomation;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code ./pipeline up} and {@code ./pipeline ingest}:
 * {@code [--count N] [--source faker|randomuser] [--seed S]}, and for {@code up} also {@code --no-run}.
 *
 * @param seed empty for a fresh seed per run
 * @param run  false after {@code --no-run}: start the stack only
 */
record RunOptions(int count, String source, Optional<String> seed, boolean run) {

    static final int DEFAULT_COUNT = 1000;
    static final String DEFAULT_SOURCE = "faker";

    /** Parses the words after the command name; {@code --no-run} only where {@code noRunAllowed}. */
    static RunOptions parse(List<String> args, boolean noRunAllowed) {
        int count = DEFAULT_COUNT;
        String source = DEFAULT_SOURCE;
        Optional<String> seed = Optional.empty();
        boolean run = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            // --name=value and --name value both work.
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--count" -> count = parseCount(value(args, i, arg));
                case "--source" -> source = value(args, i, arg);
                case "--seed" -> seed = Optional.of(value(args, i, arg));
                case "--no-run" -> {
                    if (!noRunAllowed || arg.contains("=")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    run = false;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (expected --count N, --source faker|randomuser, --seed S" + (noRunAllowed ? ", --no-run)" : ")"));
            }
            if (!arg.contains("=") && !name.equals("--no-run")) {
                i++; // the value was the next word
            }
        }
        RunOptions options = new RunOptions(count, source, seed, run);
        options.request(); // the same checks as the DAG's params, before anything starts
        return options;
    }

    /** The DAG's params: this seed or a fresh one. */
    UserAutomation.Request request() {
        return seed.map(s -> new UserAutomation.Request(count, source, s))
                .orElseGet(() -> UserAutomation.Request.of(count, source));
    }

    private static String value(List<String> args, int i, String arg) {
        if (arg.contains("=")) {
            return arg.substring(arg.indexOf('=') + 1);
        }
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(arg + " needs a value");
        }
        return args.get(i + 1);
    }

    private static int parseCount(String value) {
        try {
            return Integer.parseInt(value.replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--count must be a number of users, was '" + value + "'");
        }
    }
}
