package io.userstream.console.browse;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The message browser: records of one partition, decoded. */
@RestController
class BrowseController {

    private final MessageBrowser browser;

    BrowseController(MessageBrowser browser) {
        this.browser = browser;
    }

    @GetMapping("/api/v1/topics/{topic}/messages")
    Mono<List<BrowsedRecord>> messages(@PathVariable String topic,
                                       @RequestParam(defaultValue = "0") int partition,
                                       @RequestParam(defaultValue = "latest") String offset,
                                       @RequestParam(defaultValue = "20") int limit) {
        // The Kafka consumer blocks.
        return Mono.fromCallable(() -> browser.browse(topic, partition, offset, limit)).subscribeOn(Schedulers.boundedElastic());
    }
}
