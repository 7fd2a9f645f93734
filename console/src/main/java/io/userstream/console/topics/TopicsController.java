package io.userstream.console.topics;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Topics and consumer groups as last sampled, and the rate history behind the chart. */
@RestController
@RequestMapping("/api/v1/topics")
class TopicsController {

    private final TopicSampler sampler;

    TopicsController(TopicSampler sampler) {
        this.sampler = sampler;
    }

    @GetMapping
    TopicsSnapshot topics() {
        return sampler.latest();
    }

    @GetMapping("/history")
    History history() {
        return new History(sampler.history());
    }

    record History(List<RateHistory.Series> series) {
    }
}
