package io.userstream.console.live;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.api.Caller;
import io.userstream.console.deadletters.DeadLetterIndex;
import io.userstream.console.runs.RunFunnels;
import io.userstream.console.servers.ServerProbe;
import io.userstream.console.topics.TopicSampler;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * The page's live feed: every sample interval the latest servers, topics, runs and dead-letter summary as
 * server-sent events, each named for its view. Sampling happens once for all viewers; each push only reads it.
 * The dead letters themselves are for operators: a caller without that role gets the summary's counts (by reason
 * and stage, per minute) with no samples, so no key, error text or value of a dead letter reaches it.
 */
@RestController
class LiveController {

    private final ServerProbe servers;
    private final TopicSampler topics;
    private final RunFunnels runs;
    private final DeadLetterIndex deadLetters;
    private final Duration interval;

    LiveController(ServerProbe servers, TopicSampler topics, RunFunnels runs, DeadLetterIndex deadLetters,
                   ConsoleProperties properties) {
        this.servers = servers;
        this.topics = topics;
        this.runs = runs;
        this.deadLetters = deadLetters;
        this.interval = properties.sampleInterval();
    }

    @GetMapping(path = "/api/v1/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> live(Authentication caller) {
        boolean operator = Caller.isOperator(caller);
        return Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(tick -> Flux.just(
                        event("servers", servers.latest()),
                        event("topics", topics.latest()),
                        event("runs", runs.latest()),
                        event("dead-letters", operator ? deadLetters.summary() : deadLetters.summary().withoutSamples())));
    }

    private static ServerSentEvent<Object> event(String name, Object data) {
        return ServerSentEvent.builder(data).event(name).build();
    }
}
