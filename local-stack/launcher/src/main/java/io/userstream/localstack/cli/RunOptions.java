package io.userstream.localstack.cli;

import io.userstream.localstack.Topology;
import io.userstream.localstack.airflow.UserAutomation;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code ./pipeline up} and {@code ./pipeline ingest}:
 * {@code [--count N] [--source faker|randomuser] [--seed S]}, and for {@code up} also {@code --no-run} and
 * {@code --nodes N}.
 *
 * @param seed  empty for a fresh seed per run
 * @param run   false after {@code --no-run}: start the stack only
 * @param nodes {@code --nodes}: the topology to start; empty for the one the state folder was made with (or one node)
 */
record RunOptions(int count, String source, Optional<String> seed, boolean run, Optional<Topology> nodes) {

    static final int DEFAULT_COUNT = 1000;
    static final String DEFAULT_SOURCE = "faker";

    /** Parses the words after the command name; {@code --no-run} and {@code --nodes} only where {@code startsTheStack}. */
    static RunOptions parse(List<String> args, boolean startsTheStack) {
        boolean noRunAllowed = startsTheStack;
        int count = DEFAULT_COUNT;
        String source = DEFAULT_SOURCE;
        Optional<String> seed = Optional.empty();
        boolean run = true;
        Optional<Topology> nodes = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            // --name=value and --name value both work.
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--count" -> count = parseCount(value(args, i, arg));
                case "--source" -> source = value(args, i, arg);
                case "--seed" -> seed = Optional.of(value(args, i, arg));
                case "--nodes" -> {
                    if (!startsTheStack) {
                        throw new IllegalArgumentException("unknown option " + arg + " (the stack's nodes are set by ./pipeline up)");
                    }
                    nodes = Optional.of(new Topology(parseNumber("--nodes", "a number of nodes", value(args, i, arg))));
                }
                case "--no-run" -> {
                    if (!noRunAllowed || arg.contains("=")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    run = false;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (expected --count N, --source faker|randomuser, --seed S" + (noRunAllowed ? ", --no-run, --nodes N)" : ")"));
            }
            if (!arg.contains("=") && !name.equals("--no-run")) {
                i++; // the value was the next word
            }
        }
        RunOptions options = new RunOptions(count, source, seed, run, nodes);
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
        return parseNumber("--count", "a number of users", value);
    }

    private static int parseNumber(String option, String what, String value) {
        try {
            return Integer.parseInt(value.replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be " + what + ", was '" + value + "'");
        }
    }
}
