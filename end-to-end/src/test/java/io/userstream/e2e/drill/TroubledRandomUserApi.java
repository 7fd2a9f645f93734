package io.userstream.e2e.drill;

import io.userstream.e2e.RandomUserApiStub;
import io.userstream.e2e.RandomUserPopulation;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * randomuser.me's API as a local stand-in serving one population per drill, which can be told to answer
 * 500s, 429s (with Retry-After) or nothing at all for a while.
 */
final class TroubledRandomUserApi extends Dispatcher {

    private volatile RandomUserApiStub users = new RandomUserApiStub(new RandomUserPopulation(1, 50, 0));
    private volatile Fault.Trouble trouble;
    private volatile Instant troubleUntil = Instant.MIN;

    void serve(RandomUserPopulation population) {
        users = new RandomUserApiStub(population);
    }

    void misbehave(Fault.Trouble trouble, Duration length) {
        this.trouble = trouble;
        this.troubleUntil = Instant.now().plus(length);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), troubleUntil);
        if (!left.isNegative() && trouble != null) {
            return switch (trouble) {
                case SERVER_ERRORS -> new MockResponse.Builder().code(500).body("Uh oh, something has gone wrong.").build();
                case RATE_LIMITED -> new MockResponse.Builder().code(429).addHeader("Retry-After", "5").body("Too many requests").build();
                case HANGING -> {
                    // Holds the request until the trouble ends, as a server that accepted it and went quiet.
                    Thread.sleep(left.toMillis());
                    yield new MockResponse.Builder().code(503).body("came back").build();
                }
            };
        }
        return users.dispatch(request);
    }
}
